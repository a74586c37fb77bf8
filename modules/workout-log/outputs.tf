output "post_workouts_url" {
  description = "URL of POST /workouts."
  value       = module.api.route_urls["POST /workouts"]
}

output "get_stats_url" {
  description = "URL of GET /stats/{userId} (replace {userId})."
  value       = module.api.route_urls["GET /stats/{userId}"]
}

output "route_urls" {
  description = "URL of each route (\"METHOD /path\"; replace the {parameters})."
  value       = module.api.route_urls
}

output "user_invoke_policy_json" {
  description = "IAM policy document granting execute-api:Invoke on exactly the user routes (everything but the operator lookup), for the roles of the service's callers."
  value       = data.aws_iam_policy_document.user_invoke.json
}

output "operator_invoke_policy_json" {
  description = "IAM policy document granting execute-api:Invoke on exactly the operator route, GET /types/{workoutType}/workouts."
  value       = data.aws_iam_policy_document.operator_invoke.json
}

output "api_execution_arn" {
  description = "Execution ARN of the API, for callers' execute-api:Invoke policies."
  value       = module.api.execution_arn
}

output "api_execution_log_group_name" {
  description = "Name of the API stage's execution log group (API Gateway's fixed name; created before the stage)."
  value       = module.api.execution_log_group_name
}

output "table_names" {
  description = "Name of each table: workouts, user_stats, idempotency."
  value       = { for key, table in local.tables : key => table.name }
}

output "type_index_shards" {
  description = "How many shards the type index's key is spread over (WORKOUT_TYPE_SHARDS of the functions)."
  value       = var.type_index_shards
}

output "workouts_table_name" {
  description = "Name of the workouts table."
  value       = module.workouts_table.name
}

output "workouts_stream_arn" {
  description = "ARN of the workouts table's stream (new and old images). It carries every item of the table: workouts (itemType \"workout\"), their copies and the period totals; filter on itemType."
  value       = module.workouts_table.stream_arn
}

output "process_workout_function_arn" {
  description = "ARN of the write function (POST, PATCH, DELETE)."
  value       = module.process_workout.function_arn
}

output "workout_stats_function_arn" {
  description = "ARN of the read-only function (every GET)."
  value       = module.workout_stats.function_arn
}

output "dashboard_url" {
  description = "Console URL of the CloudWatch dashboard."
  value       = module.monitoring.dashboard_url
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies."
  value       = module.monitoring.topic_arn
}

output "event_bus_name" {
  description = "The EventBridge bus where every change of a workout is an event (Workout Created, Updated, Deleted; docs/asyncapi.json)."
  value       = module.change_events.bus_name
}

output "event_bus_arn" {
  description = "ARN of the change events' bus, for subscribers' rules and policies."
  value       = module.change_events.bus_arn
}

output "event_source" {
  description = "The source of every change event (workout-log.<environment>)."
  value       = local.event_source
}

output "change_events" {
  description = "What operating the change events takes (make redrive): the publishing function, its dead-letter queue, the event source mapping."
  value = {
    function_name             = module.change_events.function_name
    dead_letter_queue_url     = module.change_events.dead_letter_queue_url
    dead_letter_queue_arn     = module.change_events.dead_letter_queue_arn
    event_source_mapping_uuid = module.change_events.event_source_mapping_uuid
  }
}
