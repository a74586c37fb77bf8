# Checks of the stream-events module with a mocked provider (nothing leaves this machine); `make test` runs them.
# The module applied for real, and its events delivered, are tested on the emulator (tests/terraform, tests/e2e).

mock_provider "aws" {
  mock_data "aws_service" {
    defaults = { dns_name = "dynamodb.us-east-1.amazonaws.com" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  mock_resource "aws_cloudwatch_event_bus" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:event-bus/orders-prod" }
  }

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/orders-prod-publish-role" }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-prod-publish" }
  }

  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-east-1:123456789012:orders-prod-dead-letters" }
  }
}

variables {
  name         = "orders-prod"
  stream_arn   = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-12-01T00:00:00.000"
  package_path = "../lambda/tests/fixtures/handler.zip"
  handler      = "handler.handler"
}

run "the_role_reads_that_stream_puts_to_that_bus_and_sends_to_that_queue_only" {
  assert {
    condition = [for s in local.policy_statements : "${s.sid}: ${join(",", s.actions)} on ${join(",", s.resources)}"] == [
      "ReadStream: dynamodb:DescribeStream,dynamodb:GetRecords,dynamodb:GetShardIterator,dynamodb:ListStreams on ${var.stream_arn}",
      "PutEvents: events:PutEvents on arn:aws:events:us-east-1:123456789012:event-bus/orders-prod",
      "SendFailedBatches: sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:orders-prod-dead-letters",
    ]
    error_message = "Without keys, the role may read the stream, put events on the bus and send to the queue, nothing else."
  }

  assert {
    condition     = module.publisher.function_name == "orders-prod-publish" && aws_cloudwatch_event_bus.this.name == "orders-prod"
    error_message = "The bus is named name, the function name-publish."
  }
}

run "the_mapping_retries_from_the_first_failure_bisects_and_dead_letters" {
  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.this.bisect_batch_on_function_error
    error_message = "The function reports its first failure and a failing batch is split."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.destination_config[0].on_failure[0].destination_arn == aws_sqs_queue.dead_letters.arn
    error_message = "After the retries a batch goes to the dead-letter queue."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.starting_position == "TRIM_HORIZON" && aws_lambda_event_source_mapping.this.maximum_retry_attempts == 10 && aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds == 21600
    error_message = "Defaults: from the oldest record, 10 retries, 6 hours."
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.this.filter_criteria) == 0
    error_message = "No filter_patterns: no filter criteria."
  }

  assert {
    condition     = aws_sqs_queue.dead_letters.sqs_managed_sse_enabled == true && aws_sqs_queue.dead_letters.kms_master_key_id == null
    error_message = "The queue is encrypted with SSE-SQS when no key is given."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letters.dimensions["QueueName"] == "orders-prod-dead-letters" && aws_cloudwatch_metric_alarm.dead_letters.threshold == 0
    error_message = "One message in the dead-letter queue raises the alarm."
  }
}

run "filters_and_keys" {
  variables {
    filter_patterns         = ["{\"eventName\":[\"INSERT\"]}", "{\"eventName\":[\"REMOVE\"]}"]
    table_kms_key_arn       = "arn:aws:kms:us-east-1:123456789012:key/table"
    dead_letter_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/queue"
    alarm_actions           = ["arn:aws:sns:us-east-1:123456789012:on-call"]
  }

  assert {
    condition     = [for f in aws_lambda_event_source_mapping.this.filter_criteria[0].filter : f.pattern] == ["{\"eventName\":[\"INSERT\"]}", "{\"eventName\":[\"REMOVE\"]}"]
    error_message = "Each pattern is one filter of the mapping."
  }

  assert {
    condition     = [for s in local.policy_statements : s.sid] == ["ReadStream", "PutEvents", "SendFailedBatches", "ReadStreamKey", "EncryptFailedBatches"]
    error_message = "Keys add their statements."
  }

  assert {
    condition     = local.policy_statements[3].conditions[0].values == ["dynamodb.us-east-1.amazonaws.com"]
    error_message = "The table's key is used only through DynamoDB."
  }

  assert {
    condition     = aws_sqs_queue.dead_letters.kms_master_key_id == "arn:aws:kms:us-east-1:123456789012:key/queue"
    error_message = "A queue key is the queue's key."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letters.alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:on-call"]) && aws_cloudwatch_metric_alarm.iterator_age.ok_actions == toset(["arn:aws:sns:us-east-1:123456789012:on-call"])
    error_message = "Both alarms notify the topics given, on alarm and on recovery."
  }
}

run "a_name_too_long_for_the_function_is_refused" {
  command = plan

  variables {
    name = "a-name-that-is-far-too-long-for-a-lambda-function-x"
  }

  expect_failures = [var.name]
}

run "retrying_forever_is_refused" {
  command = plan

  variables {
    maximum_retry_attempts = -1
  }

  expect_failures = [var.maximum_retry_attempts]
}

run "a_filter_that_is_not_json_is_refused" {
  command = plan

  variables {
    filter_patterns = ["eventName = INSERT"]
  }

  expect_failures = [var.filter_patterns]
}

run "the_bus_variable_is_the_modules_own" {
  command = plan

  variables {
    environment_variables = { EVENT_BUS_NAME = "another-bus" }
  }

  expect_failures = [var.environment_variables]
}

run "a_table_arn_is_not_a_stream_arn" {
  command = plan

  variables {
    stream_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
  }

  expect_failures = [var.stream_arn]
}
