# Plan-level checks of the table module with a mocked provider (no AWS account, no emulator): key schema, indexes,
# auto scaling defaults and every validation rule. `make test` runs them (tests/terraform/test_modules.py).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }

  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }

  mock_data "aws_service" {
    defaults = { dns_name = "dynamodb.us-east-1.amazonaws.com" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }

  mock_data "aws_dynamodb_tables" {
    defaults = { names = [] }
  }
}

variables {
  name      = "orders"
  hash_key  = { name = "customerId" }
  range_key = { name = "orderedAt", type = "N" }
  global_secondary_indexes = {
    byStatus = { hash_key = { name = "status" }, range_key = { name = "orderedAt", type = "N" } }
    bySku    = { hash_key = { name = "sku" }, projection_type = "KEYS_ONLY" }
  }
}

run "key_schema_and_indexes" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "customerId" && aws_dynamodb_table.this.range_key == "orderedAt"
    error_message = "The table's keys are not hash_key and range_key."
  }

  assert {
    condition = {
      for a in aws_dynamodb_table.this.attribute : a.name => a.type
    } == { customerId = "S", orderedAt = "N", status = "S", sku = "S" }
    error_message = "Every key attribute of the table and its indexes must be declared once, with its type."
  }

  assert {
    condition = {
      for i in aws_dynamodb_table.this.global_secondary_index : i.name => "${i.hash_key} ${coalesce(i.range_key, "-")} ${i.projection_type}"
    } == { byStatus = "status orderedAt ALL", bySku = "sku - KEYS_ONLY" }
    error_message = "The indexes do not have the keys and projections asked for."
  }

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST" && length(aws_appautoscaling_target.this) == 0
    error_message = "On demand is the default, with no auto scaling."
  }

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled && length(aws_kms_key.this) == 1 && aws_kms_key.this[0].enable_key_rotation
    error_message = "The table must be encrypted with a created, rotated customer-managed key by default."
  }

  assert {
    condition     = aws_kms_alias.this[0].name == "alias/orders"
    error_message = "The created key's alias defaults to alias/<name>."
  }

  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled && aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Point-in-time recovery and deletion protection are on by default."
  }

  assert {
    condition     = !aws_dynamodb_table.this.stream_enabled
    error_message = "No stream unless asked for."
  }
}

run "provisioned_scales_the_table_and_each_index_10_to_50_at_70_percent" {
  command = plan

  variables {
    billing_mode = "PROVISIONED"
  }

  assert {
    condition     = length(aws_appautoscaling_target.this) == 6 && length(aws_appautoscaling_policy.this) == 6
    error_message = "Reads and writes of the table and of both indexes each need a target and a policy."
  }

  assert {
    condition = alltrue([
      for t in aws_appautoscaling_target.this : t.min_capacity == 10 && t.max_capacity == 50
    ])
    error_message = "The default capacity range is 10-50."
  }

  assert {
    condition = alltrue([
      for p in aws_appautoscaling_policy.this : p.target_tracking_scaling_policy_configuration[0].target_value == 70
    ])
    error_message = "The default target utilisation is 70%."
  }

  assert {
    condition = toset([for t in aws_appautoscaling_target.this : "${t.resource_id} ${t.scalable_dimension}"]) == toset([
      "table/orders dynamodb:table:ReadCapacityUnits", "table/orders dynamodb:table:WriteCapacityUnits",
      "table/orders/index/byStatus dynamodb:index:ReadCapacityUnits", "table/orders/index/byStatus dynamodb:index:WriteCapacityUnits",
      "table/orders/index/bySku dynamodb:index:ReadCapacityUnits", "table/orders/index/bySku dynamodb:index:WriteCapacityUnits",
    ])
    error_message = "The targets must be the table's and each index's read and write capacity."
  }

  assert {
    condition = alltrue([
      for i in aws_dynamodb_table.this.global_secondary_index : i.read_capacity == 10 && i.write_capacity == 10
    ]) && aws_dynamodb_table.this.read_capacity == 10
    error_message = "A new provisioned table and its indexes start at min_capacity."
  }
}

run "an_index_overrides_the_table_auto_scaling" {
  command = plan

  variables {
    billing_mode = "PROVISIONED"
    autoscaling  = { min_capacity = 5, max_capacity = 20 }
    global_secondary_indexes = {
      byStatus = { hash_key = { name = "status" }, autoscaling = { max_capacity = 100, target_utilization = 50 } }
    }
  }

  assert {
    condition     = aws_appautoscaling_target.this["index/byStatus-read"].max_capacity == 100 && aws_appautoscaling_target.this["index/byStatus-read"].min_capacity == 5
    error_message = "An index's own settings win; the rest come from the table's."
  }

  assert {
    condition     = aws_appautoscaling_policy.this["index/byStatus-write"].target_tracking_scaling_policy_configuration[0].target_value == 50
    error_message = "An index's own target utilisation wins."
  }

  assert {
    condition     = aws_appautoscaling_policy.this["table-read"].name == "orders-read" && aws_appautoscaling_policy.this["index/byStatus-read"].name == "orders-byStatus-read"
    error_message = "Policies are named after the table and index."
  }
}

run "a_table_scaled_out_keeps_its_index_capacity" {
  command = plan

  variables {
    billing_mode = "PROVISIONED"
  }

  override_data {
    target = data.aws_dynamodb_tables.existing[0]
    values = { names = ["orders"] }
  }

  override_data {
    target = data.aws_dynamodb_table.current[0]
    values = {
      global_secondary_index = [
        { name = "byStatus", read_capacity = 37, write_capacity = 12 },
        { name = "bySku", read_capacity = 10, write_capacity = 44 },
      ]
    }
  }

  assert {
    condition = {
      for i in aws_dynamodb_table.this.global_secondary_index : i.name => [i.read_capacity, i.write_capacity]
    } == { byStatus = [37, 12], bySku = [10, 44] }
    error_message = "Terraform must ask for the capacity auto scaling has set, not reset the index to min_capacity."
  }
}

run "an_on_demand_table_switched_to_provisioned_asks_for_min_capacity" {
  command = plan

  variables {
    billing_mode = "PROVISIONED"
    autoscaling  = { min_capacity = 5, max_capacity = 20 }
  }

  # What DynamoDB reports for a table created on demand: 0 read and write units, on the table and each index.
  override_data {
    target = data.aws_dynamodb_tables.existing[0]
    values = { names = ["orders"] }
  }

  override_data {
    target = data.aws_dynamodb_table.current[0]
    values = {
      read_capacity  = 0
      write_capacity = 0
      global_secondary_index = [
        { name = "byStatus", read_capacity = 0, write_capacity = 0 },
        { name = "bySku", read_capacity = 0, write_capacity = 0 },
      ]
    }
  }

  assert {
    condition = aws_dynamodb_table.this.read_capacity == 5 && aws_dynamodb_table.this.write_capacity == 5 && alltrue([
      for i in aws_dynamodb_table.this.global_secondary_index : i.read_capacity == 5 && i.write_capacity == 5
    ])
    error_message = "Switched from on demand, the table and each index must ask for min_capacity, not the 0 units DynamoDB refuses."
  }
}

run "a_lowered_maximum_caps_the_capacity_asked_for" {
  command = plan

  variables {
    billing_mode = "PROVISIONED"
    autoscaling  = { min_capacity = 5, max_capacity = 20 }
  }

  override_data {
    target = data.aws_dynamodb_tables.existing[0]
    values = { names = ["orders"] }
  }

  override_data {
    target = data.aws_dynamodb_table.current[0]
    values = {
      read_capacity  = 42
      write_capacity = 17
      global_secondary_index = [
        { name = "byStatus", read_capacity = 37, write_capacity = 3 },
        { name = "bySku", read_capacity = 10, write_capacity = 44 },
      ]
    }
  }

  assert {
    condition = [aws_dynamodb_table.this.read_capacity, aws_dynamodb_table.this.write_capacity] == [20, 17] && {
      for i in aws_dynamodb_table.this.global_secondary_index : i.name => [i.read_capacity, i.write_capacity]
    } == { byStatus = [20, 5], bySku = [10, 20] }
    error_message = "The capacity asked for is what the table has now, within [min_capacity, max_capacity]."
  }
}

run "ttl_turned_off_is_said_to_dynamodb" {
  command = plan

  variables {
    ttl_attribute_name = null
  }

  # The table had TTL on expiresAt; its caller has unset ttl_attribute_name.
  override_data {
    target = data.aws_dynamodb_tables.existing[0]
    values = { names = ["orders"] }
  }

  override_data {
    target = data.aws_dynamodb_table.current[0]
    values = { ttl = [{ attribute_name = "expiresAt", enabled = true }] }
  }

  assert {
    condition     = length(aws_dynamodb_table.this.ttl) == 1 && !aws_dynamodb_table.this.ttl[0].enabled
    error_message = "Without ttl_attribute_name the table must say TTL is disabled; dropping the block leaves an enabled TTL on."
  }

  assert {
    condition     = aws_dynamodb_table.this.ttl[0].attribute_name == "expiresAt"
    error_message = "DynamoDB disables TTL only when told the attribute it is on: the name must come from the table."
  }
}

run "a_dotted_table_name_gets_a_valid_default_alias" {
  command = plan

  variables {
    name = "orders.v2.${join("", [for i in range(245) : "x"])}"
  }

  assert {
    condition     = can(regex("^alias/[A-Za-z0-9/_-]+$", aws_kms_alias.this[0].name)) && length(aws_kms_alias.this[0].name) <= 256 && startswith(aws_kms_alias.this[0].name, "alias/orders-v2-xxx")
    error_message = "The default alias must be alias/<name> made valid: '.' becomes '-', at most 256 characters."
  }
}

run "rejects_an_alias_in_the_aws_namespace" {
  command = plan

  variables {
    kms_key_alias = "alias/aws/dynamodb"
  }

  expect_failures = [var.kms_key_alias]
}

run "rejects_an_alias_in_the_aws_namespace_without_prefix" {
  command = plan

  variables {
    kms_key_alias = "aws/orders"
  }

  expect_failures = [var.kms_key_alias]
}

run "rejects_an_index_maximum_under_the_table_minimum" {
  command = plan

  variables {
    billing_mode = "PROVISIONED"
    autoscaling  = { min_capacity = 20, max_capacity = 100 }
    global_secondary_indexes = {
      byStatus = { hash_key = { name = "status" }, autoscaling = { max_capacity = 10 } }
    }
  }

  expect_failures = [var.global_secondary_indexes]
}

run "rejects_an_index_target_utilization_dynamodb_refuses" {
  command = plan

  variables {
    billing_mode = "PROVISIONED"
    global_secondary_indexes = {
      byStatus = { hash_key = { name = "status" }, autoscaling = { target_utilization = 95 } }
    }
  }

  expect_failures = [var.global_secondary_indexes]
}

run "rejects_an_index_minimum_of_zero" {
  command = plan

  variables {
    billing_mode = "PROVISIONED"
    global_secondary_indexes = {
      byStatus = { hash_key = { name = "status" }, autoscaling = { min_capacity = 0 } }
    }
  }

  expect_failures = [var.global_secondary_indexes]
}

run "ttl_stream_and_a_key_passed_in" {
  command = plan

  variables {
    ttl_attribute_name = "expiresAt"
    stream_view_type   = "NEW_IMAGE"
    create_kms_key     = false
    kms_key_arn        = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_dynamodb_table.this.ttl[0].attribute_name == "expiresAt" && aws_dynamodb_table.this.ttl[0].enabled
    error_message = "TTL must be on the attribute asked for."
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled && aws_dynamodb_table.this.stream_view_type == "NEW_IMAGE"
    error_message = "The stream must be on with the view type asked for."
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "A key passed in is used, and none is created."
  }
}

run "rejects_a_bad_key_type" {
  command = plan

  variables {
    hash_key = { name = "customerId", type = "X" }
  }

  expect_failures = [var.hash_key]
}

run "rejects_a_bad_range_key_type" {
  command = plan

  variables {
    range_key = { name = "orderedAt", type = "STRING" }
  }

  expect_failures = [var.range_key]
}

run "rejects_an_attribute_with_two_types" {
  command = plan

  variables {
    global_secondary_indexes = {
      byTime = { hash_key = { name = "orderedAt", type = "S" } }
    }
  }

  expect_failures = [aws_dynamodb_table.this]
}

run "rejects_bad_index_settings" {
  command = plan

  variables {
    global_secondary_indexes = {
      byStatus = { hash_key = { name = "status", type = "Z" }, projection_type = "SOME" }
      x        = { hash_key = { name = "x" }, projection_type = "INCLUDE" }
    }
  }

  expect_failures = [var.global_secondary_indexes]
}

run "rejects_a_bad_name" {
  command = plan

  variables {
    name = "no spaces allowed"
  }

  expect_failures = [var.name]
}

run "rejects_an_unknown_billing_mode" {
  command = plan

  variables {
    billing_mode = "ON_DEMAND"
  }

  expect_failures = [var.billing_mode]
}

run "rejects_an_impossible_capacity_range" {
  command = plan

  variables {
    autoscaling = { min_capacity = 60, max_capacity = 50, target_utilization = 95 }
  }

  expect_failures = [var.autoscaling]
}

run "rejects_a_bad_stream_view_type" {
  command = plan

  variables {
    stream_view_type = "EVERYTHING"
  }

  expect_failures = [var.stream_view_type]
}

run "rejects_a_key_arn_without_create_kms_key_false" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_a_bad_alias_and_deletion_window" {
  command = plan

  variables {
    kms_key_alias               = "has spaces"
    kms_deletion_window_in_days = 3
  }

  expect_failures = [var.kms_key_alias, var.kms_deletion_window_in_days]
}
