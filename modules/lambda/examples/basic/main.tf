# Build the zip first: `make build` at the repository root.
module "function" {
  source = "../.."

  function_name = "example-workout-stats"
  package_path  = "${path.module}/../../../../dist/workout-log-python3.13-arm64.zip"
  handler       = "workout_log.handlers.workout_stats.handler"
  environment_variables = {
    POWERTOOLS_SERVICE_NAME = "workout-log"
    POWERTOOLS_LOG_LEVEL    = "INFO"
    WORKOUTS_TABLE_NAME     = "example-workouts-workouts"
    STATS_TABLE_NAME        = "example-workouts-user-stats"
    USER_BINDING            = "none"
  }
  policy_statements = [
    {
      sid       = "ReadRecentWorkouts"
      actions   = ["dynamodb:Query"]
      resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/example-workouts-workouts"]
    },
  ]
}

output "function_arn" {
  description = "ARN of the function."
  value       = module.function.function_arn
}
