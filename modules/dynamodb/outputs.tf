output "name" {
  description = "Name of the table."
  value       = aws_dynamodb_table.this.name
}

output "arn" {
  description = "ARN of the table."
  value       = aws_dynamodb_table.this.arn
}

output "stream_arn" {
  description = "ARN of the table's stream (null without stream_view_type)."
  value       = aws_dynamodb_table.this.stream_enabled ? aws_dynamodb_table.this.stream_arn : null
}

output "global_secondary_index_names" {
  description = "Names of the table's global secondary indexes."
  value       = sort(keys(var.global_secondary_indexes))
}

output "global_secondary_index_arns" {
  description = "ARN of each global secondary index, by name (for IAM statements that query one index)."
  value       = { for name in keys(var.global_secondary_indexes) : name => "${aws_dynamodb_table.this.arn}/index/${name}" }
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the table (created or passed in); pass it to other calls to share the key."
  value       = local.kms_key_arn
}

output "autoscaling_policy_arns" {
  description = "ARN of each target-tracking policy, by target (\"table-read\", \"index/<name>-write\", ...); empty on demand."
  value       = { for key, policy in aws_appautoscaling_policy.this : key => policy.arn }
}
