variable "name_prefix" {
  description = "Prefix of every table name, e.g. \"workout-log-prod\". Tables are <prefix>-workouts, <prefix>-user-stats and <prefix>-idempotency."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,200}$", var.name_prefix))
    error_message = "name_prefix must be 3-200 characters of letters, digits, '_', '.' and '-'."
  }
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST (on-demand) or PROVISIONED (with auto scaling of reads and writes, see autoscaling)."
  type        = string
  default     = "PAY_PER_REQUEST"

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "autoscaling" {
  description = "Capacity range and target utilisation (percent) for every table and the type index, when billing_mode is PROVISIONED."
  type = object({
    min_capacity       = optional(number, 10)
    max_capacity       = optional(number, 50)
    target_utilization = optional(number, 70)
  })
  default = {}

  validation {
    condition     = var.autoscaling.min_capacity >= 1 && var.autoscaling.max_capacity >= var.autoscaling.min_capacity
    error_message = "autoscaling needs 1 <= min_capacity <= max_capacity."
  }

  validation {
    condition     = var.autoscaling.target_utilization >= 20 && var.autoscaling.target_utilization <= 90
    error_message = "autoscaling.target_utilization must be between 20 and 90 (percent), as DynamoDB allows."
  }
}

variable "type_index_shards" {
  description = "How many shards the type index's partition key is spread over. The package reads it as WORKOUT_TYPE_SHARDS; each shard of one type takes up to 1,000 writes a second."
  type        = number
  default     = 10

  validation {
    condition     = var.type_index_shards >= 1 && var.type_index_shards <= 100 && floor(var.type_index_shards) == var.type_index_shards
    error_message = "type_index_shards must be a whole number from 1 to 100."
  }
}

variable "create_kms_key" {
  description = "Create a customer-managed KMS key (with rotation) for the tables. Set false and pass kms_key_arn to bring your own. A boolean, not a null check on kms_key_arn, so that the plan knows the count even when your key is created in the same apply."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Your customer-managed KMS key for server-side encryption of every table, with create_kms_key = false. Its key policy must let the principals that use the tables use the key through DynamoDB (kms:ViaService dynamodb.<region>.amazonaws.com)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null."
  }

  validation {
    condition     = var.create_kms_key == (var.kms_key_arn == null)
    error_message = "Pass kms_key_arn together with create_kms_key = false, or neither (the module creates the key)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before a created KMS key is deleted (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the tables (turn off explicitly before a planned destroy)."
  type        = bool
  default     = true
}

variable "point_in_time_recovery" {
  description = "Continuous backups with point-in-time recovery for the workouts and stats tables."
  type        = bool
  default     = true
}

variable "stream_view_type" {
  description = "What the workouts table's stream records carry."
  type        = string
  default     = "NEW_AND_OLD_IMAGES"

  validation {
    condition     = contains(["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"], var.stream_view_type)
    error_message = "stream_view_type must be KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES."
  }
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}
