variable "name" {
  description = "Name of the table."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3-255 characters of letters, digits, '_', '.' and '-' (DynamoDB's table name rule)."
  }
}

variable "hash_key" {
  description = "Partition key: its attribute name and type (S string, N number or B binary)."
  type = object({
    name = string
    type = optional(string, "S")
  })

  validation {
    condition     = contains(["S", "N", "B"], var.hash_key.type)
    error_message = "hash_key.type must be S, N or B."
  }
}

variable "range_key" {
  description = "Sort key, if the table has one: its attribute name and type (S, N or B)."
  type = object({
    name = string
    type = optional(string, "S")
  })
  default = null

  validation {
    condition     = var.range_key == null || contains(["S", "N", "B"], try(var.range_key.type, "S"))
    error_message = "range_key.type must be S, N or B."
  }
}

variable "global_secondary_indexes" {
  description = "Global secondary indexes by name: keys (S, N or B), projection (ALL, KEYS_ONLY, or INCLUDE with non_key_attributes) and, when billing_mode is PROVISIONED, auto scaling settings that override the table's (autoscaling) one by one."
  type = map(object({
    hash_key = object({
      name = string
      type = optional(string, "S")
    })
    range_key = optional(object({
      name = string
      type = optional(string, "S")
    }))
    projection_type    = optional(string, "ALL")
    non_key_attributes = optional(list(string))
    autoscaling = optional(object({
      min_capacity       = optional(number)
      max_capacity       = optional(number)
      target_utilization = optional(number)
      policy_name_prefix = optional(string)
    }), {})
  }))
  default  = {}
  nullable = false

  validation {
    condition     = length(var.global_secondary_indexes) <= 20
    error_message = "A table has at most 20 global secondary indexes (DynamoDB's default quota)."
  }

  validation {
    condition = alltrue([
      for index in values(var.global_secondary_indexes) :
      contains(["S", "N", "B"], index.hash_key.type) && contains(["S", "N", "B"], try(index.range_key.type, "S"))
    ])
    error_message = "Every index key type must be S, N or B."
  }

  validation {
    condition = alltrue([
      for index in values(var.global_secondary_indexes) :
      contains(["ALL", "KEYS_ONLY", "INCLUDE"], index.projection_type) &&
      (index.projection_type == "INCLUDE") == (index.non_key_attributes != null)
    ])
    error_message = "projection_type must be ALL, KEYS_ONLY or INCLUDE, and non_key_attributes is given with INCLUDE only."
  }

  validation {
    condition     = alltrue([for name in keys(var.global_secondary_indexes) : can(regex("^[A-Za-z0-9_.-]{3,255}$", name))])
    error_message = "Index names must be 3-255 characters of letters, digits, '_', '.' and '-'."
  }

  # What an index ends up with (its own settings, else the table's) must be a range and a target that Application
  # Auto Scaling accepts, or the plan passes and the apply fails.
  validation {
    condition = alltrue([
      for index in values(var.global_secondary_indexes) :
      coalesce(index.autoscaling.min_capacity, var.autoscaling.min_capacity) >= 1 &&
      coalesce(index.autoscaling.max_capacity, var.autoscaling.max_capacity) >= coalesce(index.autoscaling.min_capacity, var.autoscaling.min_capacity)
    ])
    error_message = "Each index's auto scaling, with the table's settings filling in what it leaves unset, needs 1 <= min_capacity <= max_capacity: ${join(", ", [for name, index in var.global_secondary_indexes : "${name} has ${coalesce(index.autoscaling.min_capacity, var.autoscaling.min_capacity)}-${coalesce(index.autoscaling.max_capacity, var.autoscaling.max_capacity)}" if !(coalesce(index.autoscaling.min_capacity, var.autoscaling.min_capacity) >= 1 && coalesce(index.autoscaling.max_capacity, var.autoscaling.max_capacity) >= coalesce(index.autoscaling.min_capacity, var.autoscaling.min_capacity))])}."
  }

  validation {
    condition = alltrue([
      for index in values(var.global_secondary_indexes) :
      coalesce(index.autoscaling.target_utilization, var.autoscaling.target_utilization) >= 20 &&
      coalesce(index.autoscaling.target_utilization, var.autoscaling.target_utilization) <= 90
    ])
    error_message = "Each index's autoscaling.target_utilization must be between 20 and 90 (percent), as DynamoDB allows."
  }
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST (on-demand) or PROVISIONED (with auto scaling of reads and writes for the table and each index, see autoscaling)."
  type        = string
  default     = "PAY_PER_REQUEST"

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "autoscaling" {
  description = "When billing_mode is PROVISIONED: the capacity range and target utilisation (percent) of reads and writes, for the table and each index that does not set its own. Created at min_capacity; afterwards auto scaling owns the capacity. Policies are named <policy_name_prefix>-read and -write (default prefix: the table name)."
  type = object({
    min_capacity       = optional(number, 10)
    max_capacity       = optional(number, 50)
    target_utilization = optional(number, 70)
    policy_name_prefix = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.autoscaling.min_capacity >= 1 && var.autoscaling.max_capacity >= var.autoscaling.min_capacity
    error_message = "autoscaling needs 1 <= min_capacity <= max_capacity."
  }

  validation {
    condition     = var.autoscaling.target_utilization >= 20 && var.autoscaling.target_utilization <= 90
    error_message = "autoscaling.target_utilization must be between 20 and 90 (percent), as DynamoDB allows."
  }
}

variable "ttl_attribute_name" {
  description = "Attribute that holds each item's expiry time (epoch seconds) for DynamoDB's time to live; null for none."
  type        = string
  default     = null
}

variable "stream_view_type" {
  description = "Turn the table's stream on with this view type (KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES); null for no stream."
  type        = string
  default     = null

  validation {
    condition     = var.stream_view_type == null || contains(["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"], coalesce(var.stream_view_type, "NEW_IMAGE"))
    error_message = "stream_view_type must be KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or null."
  }
}

variable "point_in_time_recovery" {
  description = "Continuous backups with point-in-time recovery."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Refuse to delete the table (turn off explicitly before a planned destroy)."
  type        = bool
  default     = true
}

variable "create_kms_key" {
  description = "Create a customer-managed KMS key (with rotation) for the table. Set false and pass kms_key_arn to bring your own, or another call's kms_key_arn output to share one key between tables. A boolean, not a null check on kms_key_arn, so that the plan knows the count even when your key is created in the same apply."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Your customer-managed KMS key for server-side encryption, with create_kms_key = false. Its key policy must let the principals that use the table use the key through DynamoDB (kms:ViaService dynamodb.<region>.amazonaws.com); see the README."
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

variable "kms_key_alias" {
  description = "Alias of the created key, with or without the \"alias/\" prefix; default alias/<name>."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_alias == null || can(regex("^(alias/)?[A-Za-z0-9/_-]{1,250}$", coalesce(var.kms_key_alias, "x")))
    error_message = "kms_key_alias must be letters, digits, '/', '_' and '-' (an \"alias/\" prefix is added when missing)."
  }

  validation {
    condition     = !startswith(trimprefix(coalesce(var.kms_key_alias, "x"), "alias/"), "aws/")
    error_message = "kms_key_alias must not start with alias/aws/ (or aws/): that namespace is AWS's own, and KMS refuses it."
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

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}
