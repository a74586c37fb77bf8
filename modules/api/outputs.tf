output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "name" {
  description = "Name of the REST API (the ApiName dimension of its metrics)."
  value       = aws_api_gateway_rest_api.this.name
}

output "execution_arn" {
  description = "Execution ARN of the REST API, for IAM policies of callers (execute-api:Invoke)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "invoke_url" {
  description = "Base URL of the stage."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "route_urls" {
  description = "Full URL of each route, keyed like var.routes."
  value       = { for key, route in local.routes : key => "${aws_api_gateway_stage.this.invoke_url}${route.path}" }
}

output "execution_log_group_name" {
  description = "Name of the stage's execution log group (API Gateway's fixed name), whether or not this module manages it."
  value       = local.execution_log_group_name
}

output "access_log_group_name" {
  description = "Name of the stage's access log group."
  value       = aws_cloudwatch_log_group.access.name
}

output "route_arns" {
  description = "Execute-api ARN of each route in this stage, keyed like var.routes (path parameters as *): the resources of callers' execute-api:Invoke statements."
  value       = { for key, route in local.routes : key => "${aws_api_gateway_rest_api.this.execution_arn}/${aws_api_gateway_stage.this.stage_name}/${route.method}${route.arn_path}" }
}
