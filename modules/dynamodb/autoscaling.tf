# Target tracking of reads and writes for the table and each index when billing_mode is PROVISIONED. Application
# Auto Scaling uses its service-linked role for DynamoDB (created by AWS on first use), so no role is managed here.

locals {
  scaled = local.provisioned ? merge(
    {
      table = {
        resource_id = "table/${aws_dynamodb_table.this.name}"
        kind        = "table"
        settings    = merge(var.autoscaling, { policy_name_prefix = coalesce(var.autoscaling.policy_name_prefix, var.name) })
      }
    },
    {
      for name, settings in local.index_autoscaling : "index/${name}" => {
        resource_id = "table/${aws_dynamodb_table.this.name}/index/${name}"
        kind        = "index"
        settings    = settings
      }
    },
  ) : {}

  # "table-read", "table-write", "index/<name>-read", ...: keys known at plan time, whatever the names.
  scaling_targets = merge([
    for key, scaled in local.scaled : {
      for direction in ["Read", "Write"] : "${key}-${lower(direction)}" => merge(scaled, {
        dimension   = "dynamodb:${scaled.kind}:${direction}CapacityUnits"
        metric      = "DynamoDB${direction}CapacityUtilization"
        policy_name = "${scaled.settings.policy_name_prefix}-${lower(direction)}"
      })
    }
  ]...)
}

resource "aws_appautoscaling_target" "this" {
  for_each = local.scaling_targets

  service_namespace  = "dynamodb"
  resource_id        = each.value.resource_id
  scalable_dimension = each.value.dimension
  min_capacity       = each.value.settings.min_capacity
  max_capacity       = each.value.settings.max_capacity
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "this" {
  for_each = local.scaling_targets

  name               = each.value.policy_name
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = each.value.settings.target_utilization

    predefined_metric_specification {
      predefined_metric_type = each.value.metric
    }
  }
}
