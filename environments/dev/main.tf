# dev: cheap and disposable: on-demand tables, no deletion protection, short log retention.
# Deployment inputs (region, log level, user binding, alarm e-mails) come from terraform.tfvars.
module "workout_log" {
  source = "../../modules/workout-log"

  environment         = "dev"
  lambda_package_path = coalesce(var.lambda_package_path, "${path.root}/../../dist/workout-log-python3.13-arm64.zip")
  log_level           = var.log_level
  user_binding        = var.user_binding
  alarm_emails        = var.alarm_emails

  # One stack per account and region owns API Gateway's CloudWatch role (see the README, "API Gateway logging").
  manage_api_gateway_account = var.manage_api_gateway_account

  billing_mode        = "PAY_PER_REQUEST"
  deletion_protection = false
  log_retention_days  = 14
  parameters_max_age  = 60
  api_throttling      = { rate_limit = 20, burst_limit = 40 }
}
