# The workouts table, the per-user aggregates and the idempotency records, encrypted with one customer-managed key.
# Key and attribute names are the ones the workout_log package reads and writes (tests/contract checks both agree).

locals {
  provisioned = var.billing_mode == "PROVISIONED"
  capacity    = local.provisioned ? var.autoscaling.min_capacity : null
  kms_key_arn = var.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn

  type_index_name = "byTypeAndTime"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# The service's regional DNS name (dynamodb.<region>.amazonaws.com) is what kms:ViaService compares with. The
# aws_region data source cannot give the region on both provider majors: `region` is 6.x only, `name` and `id` are
# deprecated there.
data "aws_service" "dynamodb" {
  service_id = "dynamodb"
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
  # or write the tables can decrypt them, and no one can use the key directly (encrypt, decrypt outside DynamoDB).
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

  description             = "Encrypts the ${var.name_prefix} DynamoDB tables"
  policy                  = data.aws_iam_policy_document.key[0].json
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = var.create_kms_key ? 1 : 0

  name          = "alias/${var.name_prefix}-dynamodb"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_dynamodb_table" "workouts" {
  #checkov:skip=CKV2_AWS_16:Provisioned tables get read and write auto scaling for the table and each index (autoscaling.tf; tests/terraform/test_apply.py checks the targets and policies); on-demand needs none. In a plan checkov cannot join the targets to the table.
  #checkov:skip=CKV_AWS_119:Encrypted with a customer-managed key (this module's or kms_key_arn). In a plan the new key's ARN is unknown until it exists, which this check reads as no key; the source scan and tests/contract check the key.
  name           = "${var.name_prefix}-workouts"
  billing_mode   = var.billing_mode
  read_capacity  = local.capacity
  write_capacity = local.capacity
  hash_key       = "userId"
  # "<UTC time>#<workoutId>": unique even when one user logs two workouts at the same instant.
  range_key = "workoutTimestamp"

  attribute {
    name = "userId"
    type = "S"
  }

  attribute {
    name = "workoutTimestamp"
    type = "S"
  }

  # "<workoutType>#<shard>": a popular type is spread over type_index_shards partitions.
  attribute {
    name = "workoutTypeShard"
    type = "S"
  }

  global_secondary_index {
    name            = local.type_index_name
    hash_key        = "workoutTypeShard"
    range_key       = "workoutTimestamp"
    projection_type = "ALL"
    read_capacity   = local.capacity
    write_capacity  = local.capacity
  }

  stream_enabled   = true
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
    # Auto scaling owns the capacity once the table exists.
    ignore_changes = [read_capacity, write_capacity]
  }
}

resource "aws_dynamodb_table" "user_stats" {
  #checkov:skip=CKV2_AWS_16:Provisioned tables get read and write auto scaling for the table and each index (autoscaling.tf; tests/terraform/test_apply.py checks the targets and policies); on-demand needs none. In a plan checkov cannot join the targets to the table.
  #checkov:skip=CKV_AWS_119:Encrypted with a customer-managed key (this module's or kms_key_arn). In a plan the new key's ARN is unknown until it exists, which this check reads as no key; the source scan and tests/contract check the key.
  name           = "${var.name_prefix}-user-stats"
  billing_mode   = var.billing_mode
  read_capacity  = local.capacity
  write_capacity = local.capacity
  hash_key       = "userId"

  attribute {
    name = "userId"
    type = "S"
  }

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
    ignore_changes = [read_capacity, write_capacity]
  }
}

resource "aws_dynamodb_table" "idempotency" {
  #checkov:skip=CKV2_AWS_16:Provisioned tables get read and write auto scaling for the table and each index (autoscaling.tf; tests/terraform/test_apply.py checks the targets and policies); on-demand needs none. In a plan checkov cannot join the targets to the table.
  #checkov:skip=CKV_AWS_119:Encrypted with a customer-managed key (this module's or kms_key_arn). In a plan the new key's ARN is unknown until it exists, which this check reads as no key; the source scan and tests/contract check the key.
  name           = "${var.name_prefix}-idempotency"
  billing_mode   = var.billing_mode
  read_capacity  = local.capacity
  write_capacity = local.capacity
  # Attribute names fixed by Powertools' DynamoDBPersistenceLayer defaults.
  hash_key = "id"

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expiration"
    enabled        = true
  }

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
    ignore_changes = [read_capacity, write_capacity]
  }
}
