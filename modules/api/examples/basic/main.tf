# A REST API with one IAM-authorised route to an existing function.
data "aws_lambda_function" "stats" {
  function_name = "example-workout-stats"
}

module "api" {
  source = "../.."

  name = "example-workouts"
  routes = {
    "GET /stats/{userId}" = {
      function_name = data.aws_lambda_function.stats.function_name
      invoke_arn    = data.aws_lambda_function.stats.invoke_arn
    }
  }
}

output "route_urls" {
  description = "URL of each route."
  value       = module.api.route_urls
}
