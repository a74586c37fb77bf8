output "workout_log" {
  description = "Every output of modules/workout-log (URLs, ARNs, table names, dashboard, alarm topic): `terraform output -json workout_log`."
  value       = module.workout_log
}
