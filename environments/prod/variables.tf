# This root takes no input variables: every setting of the environment is in main.tf.
