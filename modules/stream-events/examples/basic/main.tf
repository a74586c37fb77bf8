# A table of another team and its stream published on a bus. Build the zip first: `make build` at the repository
# root (this example deploys the workout log's publisher, which publishes what it recognises as workouts).
module "orders" {
  source = "../../../dynamodb"

  name                = "example-orders-stream"
  hash_key            = { name = "orderId" }
  stream_view_type    = "NEW_AND_OLD_IMAGES"
  deletion_protection = false
}

resource "aws_sns_topic" "on_call" {
  name              = "example-orders-on-call"
  kms_master_key_id = "alias/aws/sns"
}

module "order_events" {
  source = "../.."

  name              = "example-orders"
  stream_arn        = module.orders.stream_arn
  table_kms_key_arn = module.orders.kms_key_arn
  package_path      = "${path.module}/../../../../dist/workout-log-python3.13-arm64.zip"
  handler           = "workout_log.handlers.publish_changes.handler"
  filter_patterns   = [jsonencode({ eventName = ["INSERT", "MODIFY", "REMOVE"] })]
  alarm_actions     = [aws_sns_topic.on_call.arn]

  environment_variables = {
    POWERTOOLS_SERVICE_NAME      = "orders"
    POWERTOOLS_LOG_LEVEL         = "INFO"
    POWERTOOLS_METRICS_NAMESPACE = "Orders"
    EVENT_SOURCE                 = "orders.example"
    PUBLISH_NOTES                = "false"
  }
}

output "bus_name" {
  description = "The bus to subscribe to."
  value       = module.order_events.bus_name
}

output "dead_letter_queue_url" {
  description = "Where failed batches are described."
  value       = module.order_events.dead_letter_queue_url
}
