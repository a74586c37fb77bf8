# On-demand tables with a module-created KMS key; switch billing_mode to PROVISIONED for auto scaling.
module "dynamodb" {
  source = "../.."

  name_prefix         = "example-workouts"
  billing_mode        = "PAY_PER_REQUEST"
  deletion_protection = false
  tags                = { Team = "platform" }
}

output "workouts_table_name" {
  description = "Name of the workouts table."
  value       = module.dynamodb.workouts_table_name
}
