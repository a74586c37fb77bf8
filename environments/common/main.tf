# One environment of the workout-log system: configuration, storage, two functions, the API and monitoring.
# dev, staging and prod share this file (linked into each folder); each differs only in its terraform.tfvars.

locals {
  name_prefix      = "workout-log-${var.environment}"
  parameter_prefix = "/workout-log/${var.environment}"
  service_name     = "workout-log"
  metrics_ns       = "WorkoutLog"
  package_path     = coalesce(var.lambda_package_path, "${path.root}/../../dist/workout-log-${var.lambda_runtime}-${var.lambda_architecture}.zip")

  common_environment = {
    POWERTOOLS_SERVICE_NAME = local.service_name
    POWERTOOLS_LOG_LEVEL    = var.log_level
    WORKOUTS_TABLE_NAME     = module.dynamodb.workouts_table_name
    STATS_TABLE_NAME        = module.dynamodb.user_stats_table_name
    USER_BINDING            = var.user_binding
  }

  # DynamoDB calls KMS for the table key on the function's behalf; nothing else may use the key through it.
  via_dynamodb = [{ test = "StringEquals", variable = "kms:ViaService", values = ["dynamodb.${var.region}.amazonaws.com"] }]
}

module "config" {
  source = "../../modules/config"

  parameter_prefix             = local.parameter_prefix
  max_workout_duration_minutes = var.max_workout_duration_minutes
  workout_types                = var.workout_types
}

module "dynamodb" {
  source = "../../modules/dynamodb"

  name_prefix         = local.name_prefix
  billing_mode        = var.billing_mode
  autoscaling         = var.autoscaling
  type_index_shards   = var.type_index_shards
  deletion_protection = var.deletion_protection
}

module "process_workout" {
  source = "../../modules/lambda"

  function_name                  = "${local.name_prefix}-process-workout"
  description                    = "POST /workouts: validate and store a workout log"
  package_path                   = local.package_path
  handler                        = "workout_log.handlers.process_workout.handler"
  runtime                        = var.lambda_runtime
  architecture                   = var.lambda_architecture
  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.reserved_concurrency.process_workout
  log_retention_days             = var.log_retention_days

  environment_variables = merge(local.common_environment, {
    POWERTOOLS_METRICS_NAMESPACE  = local.metrics_ns
    IDEMPOTENCY_TABLE_NAME        = module.dynamodb.idempotency_table_name
    WORKOUT_TYPE_SHARDS           = tostring(module.dynamodb.type_index_shards)
    CONFIG_PARAMETER_PREFIX       = module.config.parameter_prefix
    POWERTOOLS_PARAMETERS_MAX_AGE = tostring(var.parameters_max_age)
  })

  policy_statements = [
    { sid = "StoreWorkouts", actions = ["dynamodb:PutItem"], resources = [module.dynamodb.workouts_table_arn] },
    { sid = "AddToAggregates", actions = ["dynamodb:UpdateItem"], resources = [module.dynamodb.user_stats_table_arn] },
    {
      sid = "IdempotencyRecords"
      # Powertools reads an existing record from the failed conditional write (ReturnValuesOnConditionCheckFailure),
      # so GetItem is not needed; tests/contract/test_least_privilege.py proves each action here is used.
      actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      resources = [module.dynamodb.idempotency_table_arn]
    },
    { sid = "ReadConfig", actions = ["ssm:GetParameter"], resources = module.config.parameter_arns },
    { sid = "UseTableKey", actions = ["kms:Decrypt", "kms:GenerateDataKey"], resources = [module.dynamodb.kms_key_arn], conditions = local.via_dynamodb },
  ]
}

module "workout_stats" {
  source = "../../modules/lambda"

  function_name                  = "${local.name_prefix}-workout-stats"
  description                    = "GET /stats/{userId}: a user's workout statistics"
  package_path                   = local.package_path
  handler                        = "workout_log.handlers.workout_stats.handler"
  runtime                        = var.lambda_runtime
  architecture                   = var.lambda_architecture
  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.reserved_concurrency.workout_stats
  log_retention_days             = var.log_retention_days
  environment_variables          = local.common_environment

  policy_statements = [
    { sid = "ReadRecentWorkouts", actions = ["dynamodb:Query"], resources = [module.dynamodb.workouts_table_arn] },
    { sid = "ReadAggregates", actions = ["dynamodb:GetItem"], resources = [module.dynamodb.user_stats_table_arn] },
    { sid = "UseTableKey", actions = ["kms:Decrypt"], resources = [module.dynamodb.kms_key_arn], conditions = local.via_dynamodb },
  ]
}

module "api" {
  source = "../../modules/api"

  name                           = local.name_prefix
  description                    = "Workout-log API (${var.environment})"
  throttling_rate_limit          = var.api_throttling.rate_limit
  throttling_burst_limit         = var.api_throttling.burst_limit
  log_retention_days             = var.log_retention_days
  manage_account_cloudwatch_role = var.manage_api_gateway_account

  routes = {
    "POST /workouts"      = { function_name = module.process_workout.function_name, invoke_arn = module.process_workout.invoke_arn }
    "GET /stats/{userId}" = { function_name = module.workout_stats.function_name, invoke_arn = module.workout_stats.invoke_arn }
  }
}

module "monitoring" {
  source = "../../modules/monitoring"

  name_prefix          = local.name_prefix
  alarm_emails         = var.alarm_emails
  metrics_namespace    = local.metrics_ns
  service_name         = local.service_name
  dynamodb_table_names = module.dynamodb.table_names
  dynamodb_global_secondary_indexes = {
    (module.dynamodb.workouts_table_name) = [module.dynamodb.type_index_name]
  }
  api = { name = module.api.name, stage = module.api.stage_name }

  lambda_functions = {
    process-workout = { function_name = module.process_workout.function_name, timeout_seconds = module.process_workout.timeout }
    workout-stats   = { function_name = module.workout_stats.function_name, timeout_seconds = module.workout_stats.timeout }
  }
}
