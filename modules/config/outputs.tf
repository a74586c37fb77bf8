output "parameter_prefix" {
  description = "SSM path of the parameters (CONFIG_PARAMETER_PREFIX)."
  value       = var.parameter_prefix
}

output "parameter_names" {
  description = "Name of each parameter."
  value = {
    max_workout_duration = aws_ssm_parameter.max_workout_duration.name
    workout_types        = aws_ssm_parameter.workout_types.name
  }
}

output "parameter_arns" {
  description = "ARN of each parameter, for IAM statements that read exactly these."
  value       = [aws_ssm_parameter.max_workout_duration.arn, aws_ssm_parameter.workout_types.arn]
}
