# A DynamoDB stream published on an EventBridge bus: a Lambda function (your code, from a zip built outside
# Terraform) reads the stream through an event source mapping and turns its records into events. Records the
# function reports failed are retried from the first failure on; after the retries the batch goes to an encrypted
# SQS dead-letter queue, whose depth raises an alarm.

locals {
  function_name = "${var.name}-publish"
  # Lambda reads the stream with the function's role; these are the stream actions it calls.
  stream_actions = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]

  policy_statements = concat(
    [
      { sid = "ReadStream", actions = local.stream_actions, resources = [var.stream_arn] },
      { sid = "PutEvents", actions = ["events:PutEvents"], resources = [aws_cloudwatch_event_bus.this.arn] },
      # The event source mapping sends a failed batch's description to the queue with the function's role.
      { sid = "SendFailedBatches", actions = ["sqs:SendMessage"], resources = [aws_sqs_queue.dead_letters.arn] },
    ],
    var.table_kms_key_arn == null ? [] : [{
      # The stream's records are encrypted with the table's key: DynamoDB decrypts them for the reader.
      sid        = "ReadStreamKey"
      actions    = ["kms:Decrypt"]
      resources  = [var.table_kms_key_arn]
      conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = [data.aws_service.dynamodb.dns_name] }]
    }],
    var.dead_letter_kms_key_arn == null ? [] : [{
      sid       = "EncryptFailedBatches"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [var.dead_letter_kms_key_arn]
    }],
    var.bus_kms_key_arn == null ? [] : [{
      sid       = "EncryptEvents"
      actions   = ["kms:GenerateDataKey"]
      resources = [var.bus_kms_key_arn]
    }],
  )
}

data "aws_service" "dynamodb" {
  service_id = "dynamodb"
}

resource "aws_cloudwatch_event_bus" "this" {
  name               = var.name
  kms_key_identifier = var.bus_kms_key_arn
  tags               = var.tags
}

module "publisher" {
  source = "../lambda"

  function_name      = local.function_name
  description        = "Publishes ${var.name}'s stream on its EventBridge bus"
  package_path       = var.package_path
  handler            = var.handler
  runtime            = var.runtime
  architecture       = var.architecture
  memory_size        = var.memory_size
  timeout            = var.timeout
  log_retention_days = var.log_retention_days
  tags               = var.tags

  role_permissions_boundary = var.role_permissions_boundary
  role_path                 = var.role_path
  alias_function_version    = var.alias_function_version

  environment_variables = merge(var.environment_variables, { EVENT_BUS_NAME = aws_cloudwatch_event_bus.this.name })

  policy_statements = local.policy_statements
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = var.stream_arn
  function_name                      = module.publisher.alias_arn
  starting_position                  = var.starting_position
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  parallelization_factor             = var.parallelization_factor
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_in_seconds
  bisect_batch_on_function_error     = true
  function_response_types            = ["ReportBatchItemFailures"]
  tags                               = var.tags

  dynamic "filter_criteria" {
    for_each = length(var.filter_patterns) > 0 ? [var.filter_patterns] : []

    content {
      dynamic "filter" {
        for_each = filter_criteria.value

        content {
          pattern = filter.value
        }
      }
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.dead_letters.arn
    }
  }
}
