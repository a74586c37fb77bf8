output "workouts_table_name" {
  description = "Name of the workouts table (WORKOUTS_TABLE_NAME)."
  value       = aws_dynamodb_table.workouts.name
}

output "workouts_table_arn" {
  description = "ARN of the workouts table."
  value       = aws_dynamodb_table.workouts.arn
}

output "workouts_stream_arn" {
  description = "ARN of the workouts table's stream, for future consumers."
  value       = aws_dynamodb_table.workouts.stream_arn
}

output "type_index_name" {
  description = "Name of the GSI by sharded workout type and timestamp."
  value       = local.type_index_name
}

output "type_index_arn" {
  description = "ARN of the GSI by sharded workout type and timestamp."
  value       = "${aws_dynamodb_table.workouts.arn}/index/${local.type_index_name}"
}

output "type_index_shards" {
  description = "Shard count of the type index's partition key (WORKOUT_TYPE_SHARDS)."
  value       = var.type_index_shards
}

output "user_stats_table_name" {
  description = "Name of the per-user aggregates table (STATS_TABLE_NAME)."
  value       = aws_dynamodb_table.user_stats.name
}

output "user_stats_table_arn" {
  description = "ARN of the per-user aggregates table."
  value       = aws_dynamodb_table.user_stats.arn
}

output "idempotency_table_name" {
  description = "Name of the idempotency records table (IDEMPOTENCY_TABLE_NAME)."
  value       = aws_dynamodb_table.idempotency.name
}

output "idempotency_table_arn" {
  description = "ARN of the idempotency records table."
  value       = aws_dynamodb_table.idempotency.arn
}

output "table_names" {
  description = "Every table's name, for alarms and dashboards."
  value       = [aws_dynamodb_table.workouts.name, aws_dynamodb_table.user_stats.name, aws_dynamodb_table.idempotency.name]
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the tables (created or passed in)."
  value       = local.kms_key_arn
}
