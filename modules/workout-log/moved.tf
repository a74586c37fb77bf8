# Upgrades from the first layout (one dynamodb call for three tables, two fixed SSM parameters): every object
# keeps its identity, so upgrading destroys and replaces nothing (tests/terraform/test_upgrade.py plans it on the
# emulator). The environment roots move the old top-level module calls into this module first.

moved {
  from = module.dynamodb.aws_dynamodb_table.workouts
  to   = module.workouts_table.aws_dynamodb_table.this
}

moved {
  from = module.dynamodb.aws_dynamodb_table.user_stats
  to   = module.user_stats_table.aws_dynamodb_table.this
}

moved {
  from = module.dynamodb.aws_dynamodb_table.idempotency
  to   = module.idempotency_table.aws_dynamodb_table.this
}

moved {
  from = module.dynamodb.aws_kms_key.this
  to   = module.workouts_table.aws_kms_key.this
}

moved {
  from = module.dynamodb.aws_kms_alias.this
  to   = module.workouts_table.aws_kms_alias.this
}

moved {
  from = module.dynamodb.aws_appautoscaling_target.this["workouts-read"]
  to   = module.workouts_table.aws_appautoscaling_target.this["table-read"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_target.this["workouts-write"]
  to   = module.workouts_table.aws_appautoscaling_target.this["table-write"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_target.this["type_index-read"]
  to   = module.workouts_table.aws_appautoscaling_target.this["index/byTypeAndTime-read"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_target.this["type_index-write"]
  to   = module.workouts_table.aws_appautoscaling_target.this["index/byTypeAndTime-write"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_target.this["user_stats-read"]
  to   = module.user_stats_table.aws_appautoscaling_target.this["table-read"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_target.this["user_stats-write"]
  to   = module.user_stats_table.aws_appautoscaling_target.this["table-write"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_target.this["idempotency-read"]
  to   = module.idempotency_table.aws_appautoscaling_target.this["table-read"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_target.this["idempotency-write"]
  to   = module.idempotency_table.aws_appautoscaling_target.this["table-write"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_policy.this["workouts-read"]
  to   = module.workouts_table.aws_appautoscaling_policy.this["table-read"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_policy.this["workouts-write"]
  to   = module.workouts_table.aws_appautoscaling_policy.this["table-write"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_policy.this["type_index-read"]
  to   = module.workouts_table.aws_appautoscaling_policy.this["index/byTypeAndTime-read"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_policy.this["type_index-write"]
  to   = module.workouts_table.aws_appautoscaling_policy.this["index/byTypeAndTime-write"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_policy.this["user_stats-read"]
  to   = module.user_stats_table.aws_appautoscaling_policy.this["table-read"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_policy.this["user_stats-write"]
  to   = module.user_stats_table.aws_appautoscaling_policy.this["table-write"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_policy.this["idempotency-read"]
  to   = module.idempotency_table.aws_appautoscaling_policy.this["table-read"]
}

moved {
  from = module.dynamodb.aws_appautoscaling_policy.this["idempotency-write"]
  to   = module.idempotency_table.aws_appautoscaling_policy.this["table-write"]
}

moved {
  from = module.config.aws_ssm_parameter.max_workout_duration
  to   = module.config.aws_ssm_parameter.this["max-workout-duration-minutes"]
}

moved {
  from = module.config.aws_ssm_parameter.workout_types
  to   = module.config.aws_ssm_parameter.this["workout-types"]
}
