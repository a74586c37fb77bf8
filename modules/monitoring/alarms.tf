locals {
  alarm_actions = [aws_sns_topic.this.arn]
  # A table's throttle events, and each of its indexes' (DynamoDB reports those under TableName and
  # GlobalSecondaryIndexName only, never under TableName alone).
  throttle_series = {
    for key, table in var.dynamodb_tables : key => concat(
      [
        { id = "reads", metric = "ReadThrottleEvents", dimensions = tomap({ TableName = table.name }) },
        { id = "writes", metric = "WriteThrottleEvents", dimensions = tomap({ TableName = table.name }) },
      ],
      flatten([
        for i, index in table.global_secondary_indexes : [
          for kind in ["Read", "Write"] : {
            id         = "index${i}_${lower(kind)}s"
            metric     = "${kind}ThrottleEvents"
            dimensions = tomap({ TableName = table.name, GlobalSecondaryIndexName = index })
          }
        ]
      ]),
    )
  }

  # One alarm per function and kind: errors over 10 minutes, throttles over 5, p99 duration near the timeout.
  lambda_alarm_kinds = {
    errors = {
      metric      = "Errors", statistic = "Sum", extended_statistic = null, period = 600
      threshold   = var.thresholds.lambda_errors
      description = "More than ${var.thresholds.lambda_errors} errors in 10 minutes"
    }
    throttles = {
      metric      = "Throttles", statistic = "Sum", extended_statistic = null, period = 300
      threshold   = var.thresholds.lambda_throttles
      description = "More than ${var.thresholds.lambda_throttles} throttled invocations in 5 minutes (concurrency limit reached)"
    }
    duration = {
      metric      = "Duration", statistic = null, extended_statistic = "p99", period = 300
      threshold   = null # per function: a fraction of its timeout
      description = "p99 duration above ${var.thresholds.lambda_duration_ratio * 100}% of the timeout"
    }
  }

  lambda_alarms = merge([
    for key, function in var.lambda_functions : {
      for kind, alarm in local.lambda_alarm_kinds : "${key}-${kind}" => merge(alarm, {
        function_name = function.function_name
        threshold     = kind == "duration" ? function.timeout_seconds * 1000 * var.thresholds.lambda_duration_ratio : alarm.threshold
      })
    }
  ]...)
}

resource "aws_cloudwatch_metric_alarm" "lambda" {
  for_each = local.lambda_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = "${each.value.description}: ${each.value.function_name}."
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = each.value.function_name }
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  period              = each.value.period
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dynamodb_throttled" {
  # Keyed by the caller's static labels (a table name may be known only after apply); named after the table.
  for_each = var.dynamodb_tables

  alarm_name          = "${var.name_prefix}-${each.value.name}-throttled"
  alarm_description   = "More than ${var.thresholds.dynamodb_throttled} throttled requests in 5 minutes on ${each.value.name}."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.thresholds.dynamodb_throttled
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags

  # FILL(x, 0) on every series: a sum with one series missing has no datapoint, and notBreaching would keep quiet.
  metric_query {
    id          = "throttled"
    expression  = join(" + ", [for series in local.throttle_series[each.key] : "FILL(${series.id}, 0)"])
    label       = "Throttled requests"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.throttle_series[each.key]

    content {
      id = metric_query.value.id

      metric {
        namespace   = "AWS/DynamoDB"
        metric_name = metric_query.value.metric
        dimensions  = metric_query.value.dimensions
        period      = 300
        stat        = "Sum"
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  count = var.api == null ? 0 : 1

  alarm_name          = "${var.name_prefix}-api-5xx"
  alarm_description   = "More than ${var.thresholds.api_5xx} 5XX answers in 5 minutes from ${var.api.name}/${var.api.stage}."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = { ApiName = var.api.name, Stage = var.api.stage }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.thresholds.api_5xx
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_route_5xx" {
  # One per route (API Gateway's detailed metrics, per Method and Resource), so that the alarm names the route.
  for_each = var.api == null ? toset([]) : toset(var.api.routes)

  alarm_name          = "${var.name_prefix}-api-5xx-${substr(sha1(each.value), 0, 8)}"
  alarm_description   = "More than ${var.thresholds.api_5xx} 5XX answers in 5 minutes from ${each.value} of ${var.api.name}/${var.api.stage}."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5XXError"
  dimensions          = { ApiName = var.api.name, Stage = var.api.stage, Method = split(" ", each.value)[0], Resource = split(" ", each.value)[1] }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.thresholds.api_5xx
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}
