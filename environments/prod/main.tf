# prod: deletion protection, a year of logs, reserved concurrency, alarms to on-call.
# Deployment inputs (region, log level, user binding, alarm e-mails) come from terraform.tfvars.
module "workout_log" {
  source = "../../modules/workout-log"

  environment         = "prod"
  lambda_package_path = coalesce(var.lambda_package_path, "${path.root}/../../dist/workout-log-python3.13-arm64.zip")
  log_level           = var.log_level
  user_binding        = var.user_binding
  alarm_emails        = var.alarm_emails

  billing_mode        = "PROVISIONED"
  autoscaling         = { min_capacity = 10, max_capacity = 50, target_utilization = 70 }
  deletion_protection = true
  log_retention_days  = 365
  lambda_memory_size  = 512
  api_throttling      = { rate_limit = 200, burst_limit = 400 }

  # Reserved concurrency (150 here) must leave 100 unreserved: the account's Lambda concurrency quota must be at
  # least 250 (new accounts often start at 10-50). Raise it first (Service Quotas, "Concurrent executions"), or the
  # apply fails with InvalidParameterValueException. Terraform cannot check a quota at plan time.
  reserved_concurrency = { process_workout = 100, workout_stats = 50 }

  # One stack per account and region owns API Gateway's CloudWatch role (see the README, "API Gateway logging").
  manage_api_gateway_account = var.manage_api_gateway_account
}
