# staging: production's shape at lower limits: provisioned tables with auto scaling 10-50 at 70%, as in prod.
# Deployment inputs (region, log level, user binding, alarm e-mails) come from terraform.tfvars.
module "workout_log" {
  source = "../../modules/workout-log"

  environment         = "staging"
  lambda_package_path = coalesce(var.lambda_package_path, "${path.root}/../../dist/workout-log-python3.13-arm64.zip")
  log_level           = var.log_level
  user_binding        = var.user_binding
  alarm_emails        = var.alarm_emails

  # One stack per account and region owns API Gateway's CloudWatch role (see the README, "API Gateway logging").
  manage_api_gateway_account = var.manage_api_gateway_account

  billing_mode        = "PROVISIONED"
  autoscaling         = { min_capacity = 10, max_capacity = 50, target_utilization = 70 }
  deletion_protection = true
  log_retention_days  = 30
  api_throttling      = { rate_limit = 50, burst_limit = 100 }

  # Reserved concurrency (40 here) must leave 100 unreserved: the account's Lambda concurrency quota must be at
  # least 140, and new accounts often start at 10-50. Raise the quota first (Service Quotas, "Concurrent
  # executions"), or the apply fails with InvalidParameterValueException. Terraform cannot check a quota at plan time.
  reserved_concurrency = { process_workout = 20, workout_stats = 20 }
}
