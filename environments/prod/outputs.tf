output "post_workouts_url" {
  description = "URL of POST /workouts."
  value       = module.workout_log.post_workouts_url
}

output "get_stats_url" {
  description = "URL of GET /stats/{userId} (replace {userId})."
  value       = module.workout_log.get_stats_url
}

output "api_execution_arn" {
  description = "Execution ARN of the API, for callers' execute-api:Invoke policies."
  value       = module.workout_log.api_execution_arn
}

output "workouts_table_name" {
  description = "Name of the workouts table."
  value       = module.workout_log.workouts_table_name
}

output "process_workout_function_arn" {
  description = "ARN of the POST /workouts function."
  value       = module.workout_log.process_workout_function_arn
}

output "workout_stats_function_arn" {
  description = "ARN of the GET /stats/{userId} function."
  value       = module.workout_log.workout_stats_function_arn
}

output "dashboard_url" {
  description = "Console URL of the CloudWatch dashboard."
  value       = module.workout_log.dashboard_url
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = module.workout_log.alarm_topic_arn
}
