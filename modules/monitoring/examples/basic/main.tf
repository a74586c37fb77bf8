module "monitoring" {
  source = "../.."

  name_prefix  = "example-workouts"
  alarm_emails = ["oncall@example.com"]
  dynamodb_tables = {
    orders = { name = "example-orders", global_secondary_indexes = ["byCustomer"] }
  }
  lambda_functions = {
    stats = { function_name = "example-workout-stats", timeout_seconds = 10 }
  }
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = module.monitoring.dashboard_url
}
