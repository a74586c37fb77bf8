output "bus_name" {
  description = "Name of the EventBridge bus the events are published on (subscribe with rules on it)."
  value       = aws_cloudwatch_event_bus.this.name
}

output "bus_arn" {
  description = "ARN of the bus."
  value       = aws_cloudwatch_event_bus.this.arn
}

output "function_name" {
  description = "Name of the function that publishes the stream."
  value       = module.publisher.function_name
}

output "function_timeout" {
  description = "Timeout of the function in seconds (for duration alarms)."
  value       = module.publisher.timeout
}

output "role_arn" {
  description = "ARN of the function's role (reads the stream, puts events on the bus, sends to the dead-letter queue)."
  value       = module.publisher.role_arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping (aws lambda get-event-source-mapping --uuid ...)."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue (what the redrive reads)."
  value       = aws_sqs_queue.dead_letters.url
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letters.arn
}

output "alarm_names" {
  description = "Names of the module's alarms: dead letters waiting, events late."
  value       = [aws_cloudwatch_metric_alarm.dead_letters.alarm_name, aws_cloudwatch_metric_alarm.iterator_age.alarm_name]
}
