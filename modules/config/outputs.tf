output "parameter_prefix" {
  description = "SSM path of the parameters."
  value       = var.parameter_prefix
}

output "names" {
  description = "Full name of each parameter, by its name under the prefix."
  value       = { for name, parameter in aws_ssm_parameter.this : name => parameter.name }
}

output "arns" {
  description = "ARN of each parameter, by its name under the prefix (for IAM statements that read exactly these)."
  value       = { for name, parameter in aws_ssm_parameter.this : name => parameter.arn }
}
