locals {
  # The topic's ARN names the region on either provider major (aws_region's attribute for it differs between them).
  region    = split(":", aws_sns_topic.this.arn)[3]
  partition = split(":", aws_sns_topic.this.arn)[1]
  # The console's host differs by partition (commercial, China, GovCloud).
  console_host = lookup({
    "aws-cn"     = "${local.region}.console.amazonaws.cn"
    "aws-us-gov" = "console.amazonaws-us-gov.com"
  }, local.partition, "${local.region}.console.aws.amazon.com")
  functions = [for f in values(var.lambda_functions) : f.function_name]
  dynamodb_dashboard_metrics = [
    "ConsumedWriteCapacityUnits", "ConsumedReadCapacityUnits", "WriteThrottleEvents", "ReadThrottleEvents",
  ]

  # A widget only where there is something to draw: CloudWatch rejects a metric widget whose metrics array is
  # empty, and with no widget at all there is no dashboard. Each condition is on the inputs' keys, which the plan
  # knows even when the names they hold are made by the same apply.
  widgets = concat(
    length(var.lambda_functions) == 0 ? [] : [
      {
        type = "metric", width = 12, height = 6
        properties = {
          title = "Lambda invocations, errors and throttles", region = local.region, stat = "Sum", period = 300
          # One row per metric: CloudWatch wants an array of arrays (flatten() would join the rows into one).
          metrics = [
            for pair in setproduct(local.functions, ["Invocations", "Errors", "Throttles"]) :
            ["AWS/Lambda", pair[1], "FunctionName", pair[0]]
          ]
        }
      },
      {
        type = "metric", width = 12, height = 6
        properties = {
          title   = "Lambda duration p99 (ms)", region = local.region, stat = "p99", period = 300
          metrics = [for name in local.functions : ["AWS/Lambda", "Duration", "FunctionName", name]]
        }
      },
    ],
    length(var.dynamodb_tables) == 0 ? [] : [
      {
        type = "metric", width = 12, height = 6
        properties = {
          title = "DynamoDB consumed capacity and throttles", region = local.region, stat = "Sum", period = 300
          metrics = [
            for pair in setproduct(sort([for table in values(var.dynamodb_tables) : table.name]), local.dynamodb_dashboard_metrics) :
            ["AWS/DynamoDB", pair[1], "TableName", pair[0]]
          ]
        }
      },
    ],
    var.metrics_namespace == null ? [] : [
      {
        type = "metric", width = 12, height = 6
        properties = {
          title = "Workouts logged and calories burned", region = local.region, stat = "Sum", period = 300
          metrics = [
            [var.metrics_namespace, "WorkoutsLogged", "service", var.service_name],
            [var.metrics_namespace, "CaloriesBurned", "service", var.service_name, { yAxis = "right" }],
          ]
        }
      },
    ],
    var.api == null || length(try(var.api.routes, [])) == 0 ? [] : [
      {
        type = "metric", width = 24, height = 6
        properties = {
          title = "API by route: requests, 5XX and p99 latency", region = local.region, period = 300
          # One row per route and metric: concat() of each route's rows (flatten() would join rows into one).
          metrics = concat([
            for route in var.api.routes : [
              ["AWS/ApiGateway", "Count", "ApiName", var.api.name, "Stage", var.api.stage, "Method", split(" ", route)[0], "Resource", split(" ", route)[1], { stat = "Sum", label = "${route} requests" }],
              ["AWS/ApiGateway", "5XXError", "ApiName", var.api.name, "Stage", var.api.stage, "Method", split(" ", route)[0], "Resource", split(" ", route)[1], { stat = "Sum", label = "${route} 5XX" }],
              ["AWS/ApiGateway", "Latency", "ApiName", var.api.name, "Stage", var.api.stage, "Method", split(" ", route)[0], "Resource", split(" ", route)[1], { stat = "p99", yAxis = "right", label = "${route} p99" }],
            ]
          ]...)
        }
      },
    ],
    var.api == null ? [] : [
      {
        type = "metric", width = 24, height = 6
        properties = {
          title = "API requests, 4XX, 5XX and latency", region = local.region, period = 300
          metrics = [
            ["AWS/ApiGateway", "Count", "ApiName", var.api.name, "Stage", var.api.stage, { stat = "Sum" }],
            ["AWS/ApiGateway", "4XXError", "ApiName", var.api.name, "Stage", var.api.stage, { stat = "Sum" }],
            ["AWS/ApiGateway", "5XXError", "ApiName", var.api.name, "Stage", var.api.stage, { stat = "Sum" }],
            ["AWS/ApiGateway", "Latency", "ApiName", var.api.name, "Stage", var.api.stage, { stat = "p99", yAxis = "right" }],
          ]
        }
      },
    ],
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  count = length(local.widgets) > 0 ? 1 : 0

  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.widgets })
}

# 1.0 had one dashboard, always.
moved {
  from = aws_cloudwatch_dashboard.this
  to   = aws_cloudwatch_dashboard.this[0]
}
