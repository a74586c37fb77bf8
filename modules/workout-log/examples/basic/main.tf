# The whole application in one call, for an environment of your own. Build the zip first: `make build` at the
# repository root. environments/dev, staging and prod are calls of this module with their own settings.
module "workout_log" {
  source = "../.."

  environment         = "sandbox"
  lambda_package_path = "${path.module}/../../../../dist/workout-log-python3.13-arm64.zip"
  deletion_protection = false
  log_retention_days  = 7
  alarm_emails        = ["oncall@example.com"]
  # API Gateway's CloudWatch Logs role, one per account and region: true creates it here. Set false when the
  # account has it already (another stack manages it).
  manage_api_gateway_account = true
}

output "post_workouts_url" {
  description = "URL of POST /workouts."
  value       = module.workout_log.post_workouts_url
}
