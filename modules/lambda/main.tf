# One Lambda function deployed from a zip that `make build` made, with its own role, log group and tracing.

data "aws_partition" "current" {}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is a variable (30 days by default, as designed); environments that must keep logs a year set log_retention_days.
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; pass log_kms_key_arn to use a customer-managed key.
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously (by API Gateway, by an event source mapping, whose on-failure destination is the dead-letter queue); a function DLQ only receives failed asynchronous invocations.
  #checkov:skip=CKV_AWS_117:Reaches only DynamoDB, SSM and X-Ray public endpoints; a VPC would add NAT cost and cold-start latency and protect nothing.
  #checkov:skip=CKV_AWS_272:The zip is built reproducibly in CI and its hash pinned by source_code_hash; code signing needs a Signer profile this project does not own.
  #checkov:skip=CKV_AWS_173:The environment holds resource names only, no secrets; Lambda encrypts it at rest with its service key.
  #checkov:skip=CKV_AWS_115:reserved_concurrent_executions is a variable; environments set it (unreserved by default so a module call never starves the account).
  function_name                  = var.function_name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  # Every change of code or configuration publishes a version; callers invoke the alias below, not $LATEST.
  publish = true
  tags    = var.tags

  # No block without variables: the provider compares an empty block with none as a change, which with publish
  # would publish a new version on every apply.
  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [var.environment_variables] : []

    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? ["PublishedVersions"] : []

    content {
      apply_on = snap_start.value
    }
  }

  # Lambda's advanced logging controls exist in the aws partition only: GovCloud and China refuse LoggingConfig
  # ("LoggingConfig is not supported in us-gov-west-1"). There the function logs to /aws/lambda/<name>, Lambda's
  # default, which is the group made above: the same group and format either way.
  dynamic "logging_config" {
    for_each = data.aws_partition.current.partition == "aws" ? [aws_cloudwatch_log_group.this.name] : []

    content {
      log_format = "Text"
      log_group  = logging_config.value
    }
  }

  # The role's policy must exist before the first invocation can write logs.
  depends_on = [aws_iam_role_policy.this]
}

# What callers invoke (API Gateway, event source mappings): the version this apply published, or the one
# alias_function_version pins for a rollback (README, "Rolling back"). Permissions to invoke are granted on it.
resource "aws_lambda_alias" "this" {
  name             = var.alias_name
  description      = "Invoked by the function's callers; point it at an earlier version to roll back"
  function_name    = aws_lambda_function.this.function_name
  function_version = coalesce(var.alias_function_version, aws_lambda_function.this.version)
}

resource "aws_lambda_provisioned_concurrency_config" "this" {
  count = var.provisioned_concurrent_executions > 0 ? 1 : 0

  function_name                     = aws_lambda_alias.this.function_name
  qualifier                         = aws_lambda_alias.this.name
  provisioned_concurrent_executions = var.provisioned_concurrent_executions
}
