# Runtime configuration read by the workout_log package through the Powertools parameters cache.
# Parameter names are "<prefix>/<name>"; the package builds the same names (tests/contract checks both agree).

resource "aws_ssm_parameter" "max_workout_duration" {
  #checkov:skip=CKV2_AWS_34:Not a secret: a public limit. A SecureString would add a KMS decrypt to every cold start for no confidentiality gain.
  name        = "${var.parameter_prefix}/max-workout-duration-minutes"
  description = "Longest workout POST /workouts accepts, in minutes."
  type        = "String"
  value       = tostring(var.max_workout_duration_minutes)
  tags        = var.tags
}

resource "aws_ssm_parameter" "workout_types" {
  #checkov:skip=CKV2_AWS_34:Not a secret: the list of accepted workout types, returned to clients in error messages anyway.
  name        = "${var.parameter_prefix}/workout-types"
  description = "Workout types POST /workouts accepts, comma-separated."
  type        = "StringList"
  value       = join(",", var.workout_types)
  tags        = var.tags
}
