# One DynamoDB table, any key schema, encrypted with a customer-managed key that this module creates or is given.
# One aws_dynamodb_table resource whatever the billing mode: on-demand and provisioned tables differ only in
# arguments, and capacity is left to auto scaling after creation (autoscaling.tf).

locals {
  provisioned = var.billing_mode == "PROVISIONED"
  kms_key_arn = var.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
  # A table name may hold '.', an alias may not, and an alias takes at most 256 characters: the default alias is the
  # name with each '.' made '-', cut to fit.
  kms_key_alias = var.kms_key_alias == null ? substr("alias/${replace(var.name, ".", "-")}", 0, 256) : (startswith(var.kms_key_alias, "alias/") ? var.kms_key_alias : "alias/${var.kms_key_alias}")

  # Every key attribute of the table and its indexes, declared once (DynamoDB rejects unused or repeated ones).
  key_attributes = concat(
    [var.hash_key],
    var.range_key == null ? [] : [var.range_key],
    flatten([for index in values(var.global_secondary_indexes) : concat([index.hash_key], index.range_key == null ? [] : [index.range_key])]),
  )
  attributes = { for attribute in local.key_attributes : attribute.name => attribute.type... }

  # Each index's auto scaling settings: its own where set, else the table's.
  index_autoscaling = {
    for name, index in var.global_secondary_indexes : name => {
      min_capacity       = coalesce(index.autoscaling.min_capacity, var.autoscaling.min_capacity)
      max_capacity       = coalesce(index.autoscaling.max_capacity, var.autoscaling.max_capacity)
      target_utilization = coalesce(index.autoscaling.target_utilization, var.autoscaling.target_utilization)
      policy_name_prefix = coalesce(index.autoscaling.policy_name_prefix, "${var.name}-${name}")
    }
  }

  # A provisioned table and each index are created at min_capacity; on later plans Terraform asks for the capacity
  # they have now, so that it never undoes what auto scaling did, kept within [min_capacity, max_capacity]: a table
  # switched from on demand has 0 units, which DynamoDB refuses, and a lowered maximum applies at once.
  # (ignore_changes would keep the on-demand 0 and cannot reach into the index blocks; the provider's separate
  # index resource exists only from 6.28 on. This works with both majors.)
  current = try(data.aws_dynamodb_table.current[0], null)
  table_capacity = {
    for direction in ["read", "write"] : direction => min(var.autoscaling.max_capacity, max(var.autoscaling.min_capacity, try(local.current["${direction}_capacity"], 0)))
  }
  # The attribute the table reports, enabled or not: once TTL is off the provider may keep the old name in its state.
  current_ttl_attribute = one([for ttl in try(local.current.ttl, []) : ttl.attribute_name if ttl.attribute_name != ""])
  current_index_capacity = {
    for index in try(local.current.global_secondary_index, []) :
    index.name => { read = index.read_capacity, write = index.write_capacity }
  }
  index_capacity = {
    for name, settings in local.index_autoscaling : name => {
      for direction in ["read", "write"] : direction => min(settings.max_capacity, max(settings.min_capacity, try(local.current_index_capacity[name][direction], 0)))
    }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# The service's regional DNS name (dynamodb.<region>.amazonaws.com) is what kms:ViaService compares with. The
# aws_region data source cannot give the region on both provider majors: `region` is 6.x only, `name` and `id` are
# deprecated there.
data "aws_service" "dynamodb" {
  service_id = "dynamodb"
}

# The table as it is now, read only once it exists, and only where the plan needs it: a provisioned table's capacity,
# and the TTL attribute of a table whose TTL is being turned off.
data "aws_dynamodb_tables" "existing" {
  count = local.provisioned || var.ttl_attribute_name == null ? 1 : 0
}

data "aws_dynamodb_table" "current" {
  count = try(contains(data.aws_dynamodb_tables.existing[0].names, var.name), false) ? 1 : 0

  name = var.name
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_356:In a key policy, Resource "*" means this key and nothing else.
  #checkov:skip=CKV_AWS_109:Key administration is the account root's (the key policy's standard first statement); without it the key could become unmanageable.
  #checkov:skip=CKV_AWS_111:Resource "*" in a key policy is this key; use is limited by the conditions of each statement.
  count = var.create_kms_key ? 1 : 0

  # The account administers the key (the key policy's usual first statement).
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  # Any principal of this account may use the key, but only through DynamoDB in this region: whoever IAM lets read
  # or write the table can decrypt it, and no one can use the key directly (encrypt, decrypt outside DynamoDB).
  statement {
    sid       = "UseThroughDynamoDB"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [data.aws_service.dynamodb.dns_name]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  count = var.create_kms_key ? 1 : 0

  description             = "DynamoDB server-side encryption (${local.kms_key_alias})"
  policy                  = data.aws_iam_policy_document.key[0].json
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = var.create_kms_key ? 1 : 0

  name          = local.kms_key_alias
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV2_AWS_16:A provisioned table gets read and write auto scaling for itself and each index (autoscaling.tf; tests check the targets and policies); on-demand needs none. In a plan checkov cannot join the targets to the table.
  #checkov:skip=CKV_AWS_119:Encrypted with a customer-managed key (this module's or kms_key_arn). In a plan the new key's ARN is unknown until it exists, which this check reads as no key; the source scan and the tests check the key.
  name           = var.name
  billing_mode   = var.billing_mode
  read_capacity  = local.provisioned ? local.table_capacity.read : null
  write_capacity = local.provisioned ? local.table_capacity.write : null
  hash_key       = var.hash_key.name
  range_key      = try(var.range_key.name, null)

  dynamic "attribute" {
    for_each = local.attributes

    content {
      name = attribute.key
      type = attribute.value[0]
    }
  }

  dynamic "global_secondary_index" {
    for_each = var.global_secondary_indexes

    content {
      name               = global_secondary_index.key
      hash_key           = global_secondary_index.value.hash_key.name
      range_key          = try(global_secondary_index.value.range_key.name, null)
      projection_type    = global_secondary_index.value.projection_type
      non_key_attributes = global_secondary_index.value.non_key_attributes
      read_capacity      = local.provisioned ? local.index_capacity[global_secondary_index.key].read : null
      write_capacity     = local.provisioned ? local.index_capacity[global_secondary_index.key].write : null
    }
  }

  # Always said, on or off: without the block the provider sees no change, and a TTL once enabled stays on.
  # DynamoDB turns TTL off only when told the attribute it is on, so that name is read from the table.
  ttl {
    attribute_name = var.ttl_attribute_name != null ? var.ttl_attribute_name : local.current_ttl_attribute
    enabled        = var.ttl_attribute_name != null
  }

  stream_enabled   = var.stream_view_type != null
  stream_view_type = var.stream_view_type

  server_side_encryption {
    enabled     = true
    kms_key_arn = local.kms_key_arn
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  deletion_protection_enabled = var.deletion_protection
  tags                        = var.tags

  lifecycle {
    precondition {
      condition     = alltrue([for name, types in local.attributes : length(distinct(types)) == 1])
      error_message = "A key attribute is declared with two types: ${join(", ", [for name, types in local.attributes : "${name} (${join("/", distinct(types))})" if length(distinct(types)) > 1])}."
    }
  }
}
