# Per-deployment settings of dev; its shape (billing, retention, limits) is in main.tf.
region    = "us-east-1"
log_level = "DEBUG"
