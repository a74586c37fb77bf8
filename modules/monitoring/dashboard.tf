locals {
  # The topic's ARN names the region on either provider major (aws_region's attribute for it differs between them).
  region    = split(":", aws_sns_topic.this.arn)[3]
  functions = [for f in values(var.lambda_functions) : f.function_name]

  widgets = concat(
    [
      {
        type = "metric", width = 12, height = 6
        properties = {
          title = "Lambda invocations, errors and throttles", region = local.region, stat = "Sum", period = 300
          metrics = flatten([for name in local.functions : [
            ["AWS/Lambda", "Invocations", "FunctionName", name],
            ["AWS/Lambda", "Errors", "FunctionName", name],
            ["AWS/Lambda", "Throttles", "FunctionName", name],
          ]])
        }
      },
      {
        type = "metric", width = 12, height = 6
        properties = {
          title   = "Lambda duration p99 (ms)", region = local.region, stat = "p99", period = 300
          metrics = [for name in local.functions : ["AWS/Lambda", "Duration", "FunctionName", name]]
        }
      },
      {
        type = "metric", width = 12, height = 6
        properties = {
          title = "DynamoDB consumed capacity and throttles", region = local.region, stat = "Sum", period = 300
          metrics = flatten([for table in var.dynamodb_table_names : [
            ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", table],
            ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", table],
            ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", table],
            ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", table],
          ]])
        }
      },
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
  dashboard_name = var.name_prefix
  dashboard_body = jsonencode({ widgets = local.widgets })
}
