# Upgrades a state applied before the environments became one call of modules/workout-log: the old top-level
# module calls move into it (modules/workout-log/moved.tf continues from there), and the table throttle alarms move
# to static keys. Nothing is destroyed or replaced (tests/terraform/test_upgrade.py). Keep these blocks until every
# state of this environment has been planned once with them.

moved {
  from = module.config
  to   = module.workout_log.module.config
}

moved {
  from = module.dynamodb
  to   = module.workout_log.module.dynamodb
}

moved {
  from = module.process_workout
  to   = module.workout_log.module.process_workout
}

moved {
  from = module.workout_stats
  to   = module.workout_log.module.workout_stats
}

moved {
  from = module.api
  to   = module.workout_log.module.api
}

moved {
  from = module.monitoring
  to   = module.workout_log.module.monitoring
}

moved {
  from = module.workout_log.module.monitoring.aws_cloudwatch_metric_alarm.dynamodb_throttled["workout-log-dev-workouts"]
  to   = module.workout_log.module.monitoring.aws_cloudwatch_metric_alarm.dynamodb_throttled["workouts"]
}

moved {
  from = module.workout_log.module.monitoring.aws_cloudwatch_metric_alarm.dynamodb_throttled["workout-log-dev-user-stats"]
  to   = module.workout_log.module.monitoring.aws_cloudwatch_metric_alarm.dynamodb_throttled["user_stats"]
}

moved {
  from = module.workout_log.module.monitoring.aws_cloudwatch_metric_alarm.dynamodb_throttled["workout-log-dev-idempotency"]
  to   = module.workout_log.module.monitoring.aws_cloudwatch_metric_alarm.dynamodb_throttled["idempotency"]
}
