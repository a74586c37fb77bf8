# The workout-log application: configuration, three tables, two functions, the API, change events (events.tf) and
# monitoring, composed from the generic modules beside this one. Each environment root (environments/<name>) is one call of this module.
#
# This file owns the application's facts: table keys and index, routes, handlers, environment variables and IAM
# statements. The workout_log package reads the names these produce from its environment variables, and the
# tests read them back from what `terraform apply` made (tests/contract).

locals {
  name_prefix      = "workout-log-${var.environment}"
  parameter_prefix = "/workout-log/${var.environment}"
  service_name     = "workout-log"
  metrics_ns       = "WorkoutLog"
  type_index_name  = "byTypeAndTime"

  common_environment = {
    POWERTOOLS_SERVICE_NAME       = local.service_name
    POWERTOOLS_LOG_LEVEL          = var.log_level
    WORKOUTS_TABLE_NAME           = module.workouts_table.name
    STATS_TABLE_NAME              = module.user_stats_table.name
    USER_BINDING                  = var.user_binding
    WORKOUT_TYPE_SHARDS           = tostring(var.type_index_shards)
    CONFIG_PARAMETER_PREFIX       = module.config.parameter_prefix
    POWERTOOLS_PARAMETERS_MAX_AGE = tostring(var.parameters_max_age)
  }

  # Routes by function: the write function stores, corrects and deletes; the read-only function serves every GET.
  # "GET /types/{workoutType}/workouts" is the operator lookup across users (operator_invoke_policy_json).
  write_routes    = ["POST /workouts", "PATCH /workouts/{workoutId}", "DELETE /workouts/{workoutId}"]
  read_routes     = ["GET /workouts", "GET /workouts/{workoutId}", "GET /stats/{userId}", "GET /types/{workoutType}/workouts"]
  operator_routes = ["GET /types/{workoutType}/workouts"]

  # DynamoDB calls KMS for the table key on the function's behalf; nothing else may use the key through it.
  via_dynamodb = [{ test = "StringEquals", variable = "kms:ViaService", values = [data.aws_service.dynamodb.dns_name] }]

  tables = {
    workouts    = module.workouts_table
    user_stats  = module.user_stats_table
    idempotency = module.idempotency_table
  }
}

data "aws_service" "dynamodb" {
  service_id = "dynamodb"
}

module "config" {
  source = "../config"

  parameter_prefix = local.parameter_prefix
  parameters = {
    "max-workout-duration-minutes" = {
      value       = tostring(var.max_workout_duration_minutes)
      description = "Longest workout POST /workouts accepts, in minutes."
    }
    "workout-types" = {
      type        = "StringList"
      value       = join(",", var.workout_types)
      description = "Workout types POST /workouts accepts, comma-separated."
    }
  }
}

# One item per workout, keyed by user and "<UTC time>#<workoutId>" (unique even when one user logs two workouts
# at the same instant). The index's key "<workoutType>#<shard>" spreads a popular type over type_index_shards
# partitions. This call creates the key that encrypts all three tables.
module "workouts_table" {
  source = "../dynamodb"

  name                = "${local.name_prefix}-workouts"
  hash_key            = { name = "userId" }
  range_key           = { name = "workoutTimestamp" }
  billing_mode        = var.billing_mode
  autoscaling         = var.autoscaling
  stream_view_type    = "NEW_AND_OLD_IMAGES"
  deletion_protection = var.deletion_protection
  kms_key_alias       = "${local.name_prefix}-dynamodb"

  global_secondary_indexes = {
    (local.type_index_name) = {
      hash_key    = { name = "workoutTypeShard" }
      range_key   = { name = "workoutTimestamp" }
      autoscaling = { policy_name_prefix = "${local.name_prefix}-type_index" }
    }
  }
}

# Per-user running totals, updated in the same transaction as each workout.
module "user_stats_table" {
  source = "../dynamodb"

  name                = "${local.name_prefix}-user-stats"
  hash_key            = { name = "userId" }
  billing_mode        = var.billing_mode
  autoscaling         = merge(var.autoscaling, { policy_name_prefix = "${local.name_prefix}-user_stats" })
  deletion_protection = var.deletion_protection
  create_kms_key      = false
  kms_key_arn         = module.workouts_table.kms_key_arn
}

# Powertools idempotency records: key and expiry attribute names are DynamoDBPersistenceLayer's defaults.
module "idempotency_table" {
  source = "../dynamodb"

  name                = "${local.name_prefix}-idempotency"
  hash_key            = { name = "id" }
  ttl_attribute_name  = "expiration"
  billing_mode        = var.billing_mode
  autoscaling         = var.autoscaling
  deletion_protection = var.deletion_protection
  create_kms_key      = false
  kms_key_arn         = module.workouts_table.kms_key_arn
}

module "process_workout" {
  source = "../lambda"

  function_name                  = "${local.name_prefix}-process-workout"
  description                    = "POST, PATCH and DELETE of workouts, with their totals"
  package_path                   = var.lambda_package_path
  handler                        = "workout_log.handlers.process_workout.handler"
  runtime                        = var.lambda_runtime
  architecture                   = var.lambda_architecture
  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.reserved_concurrency.process_workout
  alias_function_version         = var.pinned_versions.process_workout
  log_retention_days             = var.log_retention_days
  role_permissions_boundary      = var.role_permissions_boundary
  role_path                      = var.role_path

  environment_variables = merge(local.common_environment, {
    POWERTOOLS_METRICS_NAMESPACE = local.metrics_ns
    IDEMPOTENCY_TABLE_NAME       = module.idempotency_table.name
  })

  policy_statements = [
    {
      sid = "StoreCorrectDeleteWorkouts"
      # GetItem reads the workout a PATCH or DELETE changes (its by-id copy, consistently); UpdateItem adds to the
      # period totals, which live in this table beside the workouts.
      actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:GetItem"]
      resources = [module.workouts_table.arn]
    },
    { sid = "AddToAggregates", actions = ["dynamodb:UpdateItem"], resources = [module.user_stats_table.arn] },
    {
      sid = "IdempotencyRecords"
      # Powertools reads an existing record from the failed conditional write (ReturnValuesOnConditionCheckFailure),
      # so GetItem is not needed; tests/contract/test_least_privilege.py proves each action here is used.
      actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
      resources = [module.idempotency_table.arn]
    },
    { sid = "ReadConfig", actions = ["ssm:GetParameter"], resources = values(module.config.arns) },
    { sid = "UseTableKey", actions = ["kms:Decrypt", "kms:GenerateDataKey"], resources = [module.workouts_table.kms_key_arn], conditions = local.via_dynamodb },
  ]
}

module "workout_stats" {
  source = "../lambda"

  function_name                  = "${local.name_prefix}-workout-stats"
  description                    = "Every GET: statistics, lists, one workout, the type lookup (read-only)"
  package_path                   = var.lambda_package_path
  handler                        = "workout_log.handlers.workout_stats.handler"
  runtime                        = var.lambda_runtime
  architecture                   = var.lambda_architecture
  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.reserved_concurrency.workout_stats
  alias_function_version         = var.pinned_versions.workout_stats
  log_retention_days             = var.log_retention_days
  role_permissions_boundary      = var.role_permissions_boundary
  role_path                      = var.role_path
  environment_variables = merge(local.common_environment, {
    PAGE_TOKEN_KEY_ARN = aws_kms_key.page_tokens.arn
  })

  policy_statements = [
    { sid = "ReadWorkouts", actions = ["dynamodb:Query", "dynamodb:GetItem"], resources = [module.workouts_table.arn] },
    { sid = "ReadTypeIndex", actions = ["dynamodb:Query"], resources = [module.workouts_table.global_secondary_index_arns[local.type_index_name]] },
    { sid = "ReadAggregates", actions = ["dynamodb:GetItem"], resources = [module.user_stats_table.arn] },
    { sid = "ReadConfig", actions = ["ssm:GetParameter"], resources = values(module.config.arns) },
    { sid = "UseTableKey", actions = ["kms:Decrypt"], resources = [module.workouts_table.kms_key_arn], conditions = local.via_dynamodb },
    { sid = "SignPageTokens", actions = ["kms:GenerateMac"], resources = [aws_kms_key.page_tokens.arn] },
  ]
}

module "api" {
  source = "../api"

  name                           = local.name_prefix
  description                    = "Workout-log API (${var.environment})"
  throttling_rate_limit          = var.api_throttling.rate_limit
  throttling_burst_limit         = var.api_throttling.burst_limit
  log_retention_days             = var.log_retention_days
  manage_account_cloudwatch_role = var.manage_api_gateway_account
  role_permissions_boundary      = var.role_permissions_boundary
  role_path                      = var.role_path

  routes = merge(
    { for route in local.write_routes : route => { function_name = module.process_workout.function_name, invoke_arn = module.process_workout.alias_invoke_arn, qualifier = module.process_workout.alias_name } },
    { for route in local.read_routes : route => { function_name = module.workout_stats.function_name, invoke_arn = module.workout_stats.alias_invoke_arn, qualifier = module.workout_stats.alias_name } },
  )
}

module "monitoring" {
  source = "../monitoring"

  name_prefix       = local.name_prefix
  alarm_emails      = var.alarm_emails
  metrics_namespace = local.metrics_ns
  service_name      = local.service_name
  dynamodb_tables = {
    for key, table in local.tables : key => { name = table.name, global_secondary_indexes = table.global_secondary_index_names }
  }
  api = { name = module.api.name, stage = module.api.stage_name, routes = concat(local.write_routes, local.read_routes) }

  lambda_functions = {
    process-workout = { function_name = module.process_workout.function_name, timeout_seconds = module.process_workout.timeout }
    workout-stats   = { function_name = module.workout_stats.function_name, timeout_seconds = module.workout_stats.timeout }
    change-events   = { function_name = module.change_events.function_name, timeout_seconds = module.change_events.function_timeout }
  }
}
