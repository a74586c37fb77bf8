# A table of another team: orders by customer and time, with two indexes, provisioned with auto scaling (the
# table and each index: 5-100 units at 60%, the status index 5-200), TTL and a stream for an events consumer.
module "orders" {
  source = "../.."

  name      = "example-orders"
  hash_key  = { name = "customerId" }
  range_key = { name = "orderedAt", type = "N" }

  global_secondary_indexes = {
    byStatus = {
      hash_key    = { name = "status" }
      range_key   = { name = "orderedAt", type = "N" }
      autoscaling = { max_capacity = 200 }
    }
    bySku = {
      hash_key           = { name = "sku" }
      projection_type    = "INCLUDE"
      non_key_attributes = ["quantity"]
    }
  }

  billing_mode        = "PROVISIONED"
  autoscaling         = { min_capacity = 5, max_capacity = 100, target_utilization = 60 }
  ttl_attribute_name  = "expiresAt"
  stream_view_type    = "NEW_IMAGE"
  deletion_protection = false
  tags                = { Team = "orders" }
}

# A second table encrypted with the first one's key.
module "customers" {
  source = "../.."

  name                = "example-customers"
  hash_key            = { name = "customerId" }
  create_kms_key      = false
  kms_key_arn         = module.orders.kms_key_arn
  deletion_protection = false
}

output "orders_table_arn" {
  description = "ARN of the orders table."
  value       = module.orders.arn
}

output "orders_index_arns" {
  description = "ARN of each index of the orders table."
  value       = module.orders.global_secondary_index_arns
}
