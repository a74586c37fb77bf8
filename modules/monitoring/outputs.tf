output "topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (subscribe pagers or chat here)."
  value       = aws_sns_topic.this.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard; null when there is nothing to draw (no functions, tables, API or application metrics)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}

output "dashboard_url" {
  description = "Console URL of the dashboard; null when there is no dashboard."
  value       = one([for dashboard in aws_cloudwatch_dashboard.this : "https://${local.console_host}/cloudwatch/home?region=${local.region}#dashboards:name=${dashboard.dashboard_name}"])
}

output "alarm_names" {
  description = "Names of every alarm."
  value = concat(
    [for a in aws_cloudwatch_metric_alarm.lambda : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.dynamodb_throttled : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.api_5xx : a.alarm_name],
    [for a in aws_cloudwatch_metric_alarm.api_route_5xx : a.alarm_name],
  )
}
