# Plan-level checks of the alarms and dashboard with a mocked provider; `make test` runs them.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:orders-alarms" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name_prefix  = "orders"
  alarm_emails = ["oncall@example.com"]
  lambda_functions = {
    create = { function_name = "orders-create", timeout_seconds = 10 }
  }
  dynamodb_tables = {
    orders = { name = "orders", global_secondary_indexes = ["byStatus", "bySku"] }
  }
  api = { name = "orders", stage = "v1" }
}

# Applied to the mock, so that the topic's ARN is known to compare the alarms' actions with.
run "alarm_thresholds_and_periods_follow_the_design" {
  assert {
    condition     = aws_cloudwatch_metric_alarm.lambda["create-errors"].threshold == 10 && aws_cloudwatch_metric_alarm.lambda["create-errors"].period == 600
    error_message = "Lambda errors: more than 10 in 10 minutes."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.lambda["create-throttles"].threshold == 0 && aws_cloudwatch_metric_alarm.lambda["create-throttles"].period == 300
    error_message = "Lambda throttles: any in 5 minutes."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.lambda["create-duration"].threshold == 8000 && aws_cloudwatch_metric_alarm.lambda["create-duration"].extended_statistic == "p99"
    error_message = "Lambda duration: p99 above 80% of the timeout (8,000 ms of 10 s)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dynamodb_throttled["orders"].threshold == 5 && aws_cloudwatch_metric_alarm.api_5xx[0].threshold == 5 && aws_cloudwatch_metric_alarm.api_5xx[0].period == 300
    error_message = "DynamoDB throttles and API 5XX: more than 5 in 5 minutes."
  }

  assert {
    condition = alltrue(flatten([
      [for a in aws_cloudwatch_metric_alarm.lambda : a.alarm_actions == toset([aws_sns_topic.this.arn]) && a.treat_missing_data == "notBreaching"],
      [for a in aws_cloudwatch_metric_alarm.dynamodb_throttled : a.alarm_actions == toset([aws_sns_topic.this.arn])],
    ]))
    error_message = "Every alarm must notify the topic."
  }

  assert {
    condition     = aws_sns_topic_subscription.email["oncall@example.com"].protocol == "email"
    error_message = "Each alarm e-mail must be subscribed."
  }
}

run "the_throttle_alarm_counts_the_table_and_each_index_with_fill" {
  command = plan

  assert {
    condition = one([
      for q in aws_cloudwatch_metric_alarm.dynamodb_throttled["orders"].metric_query : q.expression if q.id == "throttled"
    ]) == "FILL(reads, 0) + FILL(writes, 0) + FILL(index0_reads, 0) + FILL(index0_writes, 0) + FILL(index1_reads, 0) + FILL(index1_writes, 0)"
    error_message = "The alarm must add reads and writes of the table and of each index, each series filled with 0."
  }

  assert {
    condition = toset(flatten([
      for q in aws_cloudwatch_metric_alarm.dynamodb_throttled["orders"].metric_query : [for m in q.metric : lookup(m.dimensions, "GlobalSecondaryIndexName", "-")]
    ])) == toset(["-", "byStatus", "bySku"])
    error_message = "Each index's series must carry its GlobalSecondaryIndexName dimension."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dynamodb_throttled["orders"].alarm_name == "orders-orders-throttled"
    error_message = "The alarm is named after the prefix and the table."
  }
}

# A team that watches one function and nothing else: the dashboard draws that function, and no widget is left with
# an empty metrics array (CloudWatch rejects the dashboard if one is).
run "the_dashboard_draws_only_what_it_was_given" {
  variables {
    dynamodb_tables = {}
    api             = null
  }

  assert {
    condition = [
      for widget in jsondecode(one(aws_cloudwatch_dashboard.this[*].dashboard_body)).widgets : length(widget.properties.metrics)
    ] == [3, 1]
    error_message = "Only the two Lambda widgets (3 and 1 metrics for one function) may be drawn: no widget without metrics."
  }
}

run "the_workout_log_widget_is_drawn_when_its_namespace_is_given" {
  variables {
    metrics_namespace = "WorkoutLog"
  }

  assert {
    condition = contains([
      for widget in jsondecode(one(aws_cloudwatch_dashboard.this[*].dashboard_body)).widgets : widget.properties.title
    ], "Workouts logged and calories burned")
    error_message = "With metrics_namespace the dashboard draws the application's metrics."
  }
}

run "nothing_to_draw_makes_no_dashboard" {
  variables {
    lambda_functions = {}
    dynamodb_tables  = {}
    api              = null
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this[*]) == 0 && output.dashboard_url == null
    error_message = "With nothing to draw there must be no dashboard (and no URL), not one CloudWatch rejects."
  }
}

run "rejects_a_bad_prefix" {
  command = plan

  variables {
    name_prefix = "x"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_a_bad_email" {
  command = plan

  variables {
    alarm_emails = ["not-an-address"]
  }

  expect_failures = [var.alarm_emails]
}

run "rejects_a_key_arn_with_create_kms_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_more_than_four_indexes_per_table" {
  command = plan

  variables {
    dynamodb_tables = { orders = { name = "orders", global_secondary_indexes = ["a", "b", "c", "d", "e"] } }
  }

  expect_failures = [var.dynamodb_tables]
}

run "rejects_a_duration_ratio_outside_0_to_1" {
  command = plan

  variables {
    thresholds = { lambda_duration_ratio = 1.5 }
  }

  expect_failures = [var.thresholds]
}
