# prod: deletion protection, a year of logs, reserved concurrency, cognito-bound users, alarms to on-call.
environment         = "prod"
region              = "us-east-1"
billing_mode        = "PROVISIONED"
autoscaling         = { min_capacity = 10, max_capacity = 50, target_utilization = 70 }
deletion_protection = true
log_retention_days  = 365
lambda_memory_size  = 512
# Reserved concurrency (150 here) must leave 100 unreserved: the account's Lambda concurrency quota must be at
# least 250 (new accounts often start at 10-50). Raise it first (Service Quotas, "Concurrent executions"), or the
# apply fails with InvalidParameterValueException. Terraform cannot check a quota at plan time.
reserved_concurrency       = { process_workout = 100, workout_stats = 50 }
user_binding               = "cognito"
api_throttling             = { rate_limit = 200, burst_limit = 400 }
manage_api_gateway_account = true
alarm_emails               = ["oncall@example.com"]
