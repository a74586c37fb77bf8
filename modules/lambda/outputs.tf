output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN API Gateway uses to invoke the function's unqualified ARN ($LATEST); callers should invoke the alias (alias_invoke_arn)."
  value       = aws_lambda_function.this.invoke_arn
}

output "version" {
  description = "The version this apply published."
  value       = aws_lambda_function.this.version
}

output "alias_name" {
  description = "Name of the alias callers invoke (the qualifier of their invoke permissions)."
  value       = aws_lambda_alias.this.name
}

output "alias_arn" {
  description = "ARN of the alias (for event source mappings and other callers)."
  value       = aws_lambda_alias.this.arn
}

output "alias_invoke_arn" {
  description = "ARN API Gateway uses to invoke the alias."
  value       = aws_lambda_alias.this.invoke_arn
}

output "alias_function_version" {
  description = "The version the alias points at now."
  value       = aws_lambda_alias.this.function_version
}

output "timeout" {
  description = "Timeout of the function in seconds (for duration alarms)."
  value       = aws_lambda_function.this.timeout
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.this.name
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "policy_json" {
  description = "The role's inline policy, as JSON."
  value       = data.aws_iam_policy_document.this.json
}
