module "config" {
  source = "../.."

  parameter_prefix             = "/example-workouts/dev"
  max_workout_duration_minutes = 180
  workout_types                = ["running", "cycling", "yoga"]
}

output "parameter_arns" {
  description = "ARNs of the parameters."
  value       = module.config.parameter_arns
}
