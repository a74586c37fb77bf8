# A REST API with one IAM-authorised route to a function (built with `make build` at the repository root).
module "function" {
  source = "../../../lambda"

  function_name = "example-api-stats"
  package_path  = "${path.module}/../../../../dist/workout-log-python3.13-arm64.zip"
  handler       = "workout_log.handlers.workout_stats.handler"
}

module "api" {
  source = "../.."

  name = "example-workouts"
  # API Gateway needs the account's CloudWatch Logs role for the stage's logs, one per account and region: false
  # because another stack of the account manages it; true would create it here.
  manage_account_cloudwatch_role = false
  routes = {
    "GET /stats/{userId}" = {
      function_name = module.function.function_name
      invoke_arn    = module.function.alias_invoke_arn
      qualifier     = module.function.alias_name
    }
  }
}

output "route_urls" {
  description = "URL of each route."
  value       = module.api.route_urls
}
