# Per-deployment settings of prod; its shape (billing, retention, limits) is in main.tf.
region                     = "us-east-1"
user_binding               = "cognito"
manage_api_gateway_account = true
alarm_emails               = ["oncall@example.com"]
