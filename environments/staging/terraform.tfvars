# Per-deployment settings of staging; its shape (billing, retention, limits) is in main.tf.
region = "us-east-1"
