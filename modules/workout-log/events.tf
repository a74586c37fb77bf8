# Change events: every change of a workout (POST, PATCH, DELETE) as one event on the environment's EventBridge
# bus, from the workouts table's stream. Only the workouts' by-id copies pass the filter (every change writes one
# of those, once, in place), so the totals, the other copies and the idempotency records never become events and
# never invoke the function. The package turns a record into an event (workout_log.logic.changes).

locals {
  event_source = "workout-log.${var.environment}"
  # A REMOVE holds only the old image, an INSERT only the new one.
  change_filters = [
    jsonencode({ dynamodb = { NewImage = { itemType = { S = ["workoutById"] } } } }),
    jsonencode({ dynamodb = { OldImage = { itemType = { S = ["workoutById"] } } } }),
  ]
}

module "change_events" {
  source = "../stream-events"

  name               = local.name_prefix
  stream_arn         = module.workouts_table.stream_arn
  table_kms_key_arn  = module.workouts_table.kms_key_arn
  filter_patterns    = local.change_filters
  package_path       = var.lambda_package_path
  handler            = "workout_log.handlers.publish_changes.handler"
  runtime            = var.lambda_runtime
  architecture       = var.lambda_architecture
  memory_size        = var.lambda_memory_size
  log_retention_days = var.log_retention_days
  alarm_actions      = [module.monitoring.topic_arn]

  role_permissions_boundary = var.role_permissions_boundary
  role_path                 = var.role_path
  alias_function_version    = var.pinned_versions.publish_changes

  environment_variables = {
    POWERTOOLS_SERVICE_NAME      = local.service_name
    POWERTOOLS_LOG_LEVEL         = var.log_level
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_ns
    EVENT_SOURCE                 = local.event_source
    PUBLISH_NOTES                = tostring(var.events_include_notes)
  }
}
