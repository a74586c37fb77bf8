# Checks of the function module with a mocked provider (applied to the mock: nothing leaves this machine);
# `make test` runs them. tests/fixtures/handler.zip is a two-line handler, enough for the module to hash.

mock_provider "aws" {
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-create" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/orders-create-role" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  function_name = "orders-create"
  package_path  = "tests/fixtures/handler.zip"
  handler       = "handler.handler"
  policy_statements = [
    { sid = "StoreOrders", actions = ["dynamodb:PutItem"], resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"] },
    {
      sid        = "UseKey"
      actions    = ["kms:Decrypt"]
      resources  = ["arn:aws:kms:us-east-1:123456789012:key/1"]
      conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = ["dynamodb.us-east-1.amazonaws.com"] }]
    },
  ]
}

run "the_policy_is_the_statements_passed_plus_logs_and_traces" {
  assert {
    condition     = [for s in data.aws_iam_policy_document.this.statement : s.sid] == ["StoreOrders", "UseKey", "WriteOwnLogs", "WriteTraces"]
    error_message = "The role's policy must hold exactly the statements passed, then logs and traces."
  }

  assert {
    condition     = data.aws_iam_policy_document.this.statement[2].resources == toset(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-create:*"])
    error_message = "The function may write to its own log group only."
  }

  assert {
    condition     = [for c in data.aws_iam_policy_document.this.statement[1].condition : "${c.test} ${c.variable} ${join(",", c.values)}"] == ["StringEquals kms:ViaService dynamodb.us-east-1.amazonaws.com"]
    error_message = "A statement's conditions must be kept."
  }

  assert {
    condition     = aws_iam_role_policy.this.role == aws_iam_role.this.id
    error_message = "The policy belongs to the function's own role."
  }
}

run "defaults_for_a_python_function" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.13" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "python3.13 on arm64 is the default."
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "Active tracing and 30 days of logs by default."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixtures/handler.zip")
    error_message = "The function's hash must be the zip's, so a new build deploys and an unchanged one does not."
  }
}

run "the_function_logs_to_its_group_through_logging_config_in_the_commercial_partition" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.this.logging_config) == 1 && aws_lambda_function.this.logging_config[0].log_group == "/aws/lambda/orders-create"
    error_message = "In the aws partition the function names its log group in logging_config."
  }
}

# Lambda answers "LoggingConfig is not supported in us-gov-west-1. Remove LoggingConfig value from your request"
# in GovCloud, and the China regions do the same (aws/aws-cdk#28919, hashicorp/terraform-provider-aws#34809).
run "no_logging_config_in_govcloud" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-us-gov" }
  }

  assert {
    condition     = length(aws_lambda_function.this.logging_config) == 0
    error_message = "In aws-us-gov the function must not send logging_config."
  }
}

run "no_logging_config_in_china" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-cn" }
  }

  assert {
    condition     = length(aws_lambda_function.this.logging_config) == 0
    error_message = "In aws-cn the function must not send logging_config."
  }
}

run "the_role_takes_a_permissions_boundary_and_a_path" {
  command = plan

  variables {
    role_permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"
    role_path                 = "/workloads/orders/"
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary" && aws_iam_role.this.path == "/workloads/orders/"
    error_message = "The function's role must carry the boundary and path asked for."
  }
}

run "by_default_the_role_has_no_boundary_and_the_root_path" {
  command = plan

  assert {
    condition     = aws_iam_role.this.permissions_boundary == null && aws_iam_role.this.path == "/"
    error_message = "Without a boundary asked for there is none, and the path is \"/\" (as in 1.0)."
  }
}

run "rejects_a_boundary_that_is_not_a_policy_arn_and_a_path_without_slashes" {
  command = plan

  variables {
    role_permissions_boundary = "workload-boundary"
    role_path                 = "workloads"
  }

  expect_failures = [var.role_permissions_boundary, var.role_path]
}

run "callers_invoke_an_alias_on_the_version_this_apply_published" {
  assert {
    condition     = aws_lambda_function.this.publish && aws_lambda_alias.this.function_version == aws_lambda_function.this.version
    error_message = "Each apply publishes a version, and the alias points at it."
  }

  assert {
    condition     = aws_lambda_alias.this.name == "live" && output.alias_invoke_arn == aws_lambda_alias.this.invoke_arn
    error_message = "The alias is \"live\" by default, and its invoke ARN is an output for API Gateway."
  }

  assert {
    condition     = length(aws_lambda_provisioned_concurrency_config.this) == 0 && length(aws_lambda_function.this.snap_start) == 0
    error_message = "Provisioned concurrency and SnapStart are off unless asked for."
  }
}

run "a_rollback_pins_the_alias_to_an_earlier_version" {
  variables {
    alias_function_version = "41"
  }

  assert {
    condition     = aws_lambda_alias.this.function_version == "41" && output.alias_function_version == "41"
    error_message = "alias_function_version must point the alias at that version, whatever this apply published."
  }
}

run "provisioned_concurrency_is_kept_on_the_alias" {
  variables {
    provisioned_concurrent_executions = 3
  }

  assert {
    condition     = aws_lambda_provisioned_concurrency_config.this[0].qualifier == "live" && aws_lambda_provisioned_concurrency_config.this[0].provisioned_concurrent_executions == 3
    error_message = "Provisioned concurrency belongs to the alias callers invoke."
  }
}

run "snap_start_applies_to_published_versions" {
  variables {
    runtime    = "python3.12"
    snap_start = true
  }

  assert {
    condition     = aws_lambda_function.this.snap_start[0].apply_on == "PublishedVersions"
    error_message = "SnapStart must apply to the published versions (the alias invokes those)."
  }
}

run "rejects_snap_start_on_python_3_11" {
  command = plan

  variables {
    runtime    = "python3.11"
    snap_start = true
  }

  expect_failures = [var.snap_start]
}

run "rejects_snap_start_with_provisioned_concurrency" {
  command = plan

  variables {
    snap_start                        = true
    provisioned_concurrent_executions = 2
  }

  expect_failures = [var.snap_start]
}

run "rejects_an_alias_named_like_a_version_and_a_version_that_is_not_one" {
  command = plan

  variables {
    alias_name             = "42"
    alias_function_version = "$LATEST"
  }

  expect_failures = [var.alias_name, var.alias_function_version]
}

run "rejects_a_long_function_name" {
  command = plan

  variables {
    function_name = "a-function-name-that-is-far-too-long-for-its-role-name-suffix"
  }

  expect_failures = [var.function_name]
}

run "rejects_a_package_that_is_not_a_zip" {
  command = plan

  variables {
    package_path = "tests/lambda.tftest.hcl"
  }

  expect_failures = [var.package_path]
}

run "rejects_a_handler_that_is_not_module_dot_function" {
  command = plan

  variables {
    handler = "handler"
  }

  expect_failures = [var.handler]
}

run "rejects_an_unsupported_runtime_and_architecture" {
  command = plan

  variables {
    runtime      = "python3.10"
    architecture = "arm"
  }

  expect_failures = [var.runtime, var.architecture]
}

run "rejects_impossible_memory_timeout_and_concurrency" {
  command = plan

  variables {
    memory_size                    = 64
    timeout                        = 901
    reserved_concurrent_executions = -2
  }

  expect_failures = [var.memory_size, var.timeout, var.reserved_concurrent_executions]
}

run "rejects_a_bad_sid" {
  command = plan

  variables {
    policy_statements = [{ sid = "not-alphanumeric", actions = ["s3:GetObject"], resources = ["arn:aws:s3:::b/*"] }]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_a_wildcard_resource" {
  command = plan

  variables {
    policy_statements = [{ sid = "Everything", actions = ["dynamodb:Scan"], resources = ["*"] }]
  }

  expect_failures = [var.policy_statements]
}

run "rejects_a_retention_cloudwatch_does_not_offer_and_a_bad_tracing_mode" {
  command = plan

  variables {
    log_retention_days = 10
    tracing_mode       = "On"
  }

  expect_failures = [var.log_retention_days, var.tracing_mode]
}
