# Plan-level checks of the application's composition with a mocked provider; `make test` runs them. What the
# composition deploys is checked in depth on the emulator (tests/contract, tests/terraform/test_apply.py).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }

  mock_data "aws_service" {
    defaults = { dns_name = "dynamodb.us-east-1.amazonaws.com" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  mock_data "aws_dynamodb_tables" {
    defaults = { names = [] }
  }
}

variables {
  environment                = "qa"
  lambda_package_path        = "../lambda/tests/fixtures/handler.zip"
  manage_api_gateway_account = false
}

run "names_follow_the_environment" {
  command = plan

  assert {
    condition     = { for key, table in local.tables : key => table.name } == { workouts = "workout-log-qa-workouts", user_stats = "workout-log-qa-user-stats", idempotency = "workout-log-qa-idempotency" }
    error_message = "Tables are named workout-log-<environment>-<table>."
  }

  assert {
    condition     = module.config.names == { "max-workout-duration-minutes" = "/workout-log/qa/max-workout-duration-minutes", "workout-types" = "/workout-log/qa/workout-types" }
    error_message = "The parameters live under /workout-log/<environment>."
  }

  assert {
    condition     = module.workouts_table.global_secondary_index_names == tolist(["byTypeAndTime"])
    error_message = "The workouts table has the type index the statistics need."
  }
}

run "a_pinned_version_rolls_one_function_back" {
  command = plan

  variables {
    pinned_versions = { process_workout = "41" }
  }

  assert {
    condition     = module.process_workout.alias_function_version == "41"
    error_message = "pinned_versions.process_workout must point the write function's alias at version 41."
  }
}

run "asks_who_owns_the_account_role_of_api_gateway" {
  command = plan

  variables {
    manage_api_gateway_account = null
  }

  expect_failures = [var.manage_api_gateway_account]
}

run "rejects_a_bad_environment_name" {
  command = plan

  variables {
    environment = "Prod Env"
  }

  expect_failures = [var.environment]
}

run "rejects_a_shard_count_outside_1_to_100" {
  command = plan

  variables {
    type_index_shards = 0
  }

  expect_failures = [var.type_index_shards]
}

run "rejects_a_duration_limit_over_a_day" {
  command = plan

  variables {
    max_workout_duration_minutes = 1441
  }

  expect_failures = [var.max_workout_duration_minutes]
}

run "rejects_bad_or_repeated_workout_types" {
  command = plan

  variables {
    workout_types = ["Running", "running", "running"]
  }

  expect_failures = [var.workout_types]
}

run "rejects_an_unknown_log_level_and_user_binding" {
  command = plan

  variables {
    log_level    = "TRACE"
    user_binding = "jwt"
  }

  expect_failures = [var.log_level, var.user_binding]
}
