module "monitoring" {
  source = "../.."

  name_prefix          = "example-workouts"
  alarm_emails         = ["oncall@example.com"]
  dynamodb_table_names = ["example-workouts-workouts"]
  lambda_functions = {
    stats = { function_name = "example-workout-stats", timeout_seconds = 10 }
  }
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = module.monitoring.dashboard_url
}
