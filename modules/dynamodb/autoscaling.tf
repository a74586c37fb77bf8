# Target tracking for every table and the type index when billing_mode is PROVISIONED. Application Auto Scaling
# uses its service-linked role for DynamoDB (created by AWS on first use), so no role is managed here.

locals {
  scaled_resources = {
    workouts    = "table/${aws_dynamodb_table.workouts.name}"
    type_index  = "table/${aws_dynamodb_table.workouts.name}/index/${local.type_index_name}"
    user_stats  = "table/${aws_dynamodb_table.user_stats.name}"
    idempotency = "table/${aws_dynamodb_table.idempotency.name}"
  }

  scaling_targets = local.provisioned ? merge([
    for key, resource_id in local.scaled_resources : {
      for direction in ["Read", "Write"] : "${key}-${lower(direction)}" => {
        resource_id = resource_id
        dimension   = "dynamodb:${startswith(key, "type_index") ? "index" : "table"}:${direction}CapacityUnits"
        metric      = "DynamoDB${direction}CapacityUtilization"
      }
    }
  ]...) : {}
}

resource "aws_appautoscaling_target" "this" {
  for_each = local.scaling_targets

  service_namespace  = "dynamodb"
  resource_id        = each.value.resource_id
  scalable_dimension = each.value.dimension
  min_capacity       = var.autoscaling.min_capacity
  max_capacity       = var.autoscaling.max_capacity
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "this" {
  for_each = local.scaling_targets

  name               = "${var.name_prefix}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.key].service_namespace
  resource_id        = aws_appautoscaling_target.this[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.this[each.key].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value = var.autoscaling.target_utilization

    predefined_metric_specification {
      predefined_metric_type = each.value.metric
    }
  }
}
