variable "name" {
  description = "Names the bus, and with suffixes the function (<name>-publish), its role, the dead-letter queue (<name>-dead-letters) and the alarms."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1-48 characters of letters, digits, '_' and '-' (the function's name adds \"-publish\")."
  }
}

variable "stream_arn" {
  description = "ARN of the DynamoDB stream to publish (the dynamodb module's stream_arn output)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/stream/.+$", var.stream_arn))
    error_message = "stream_arn must be the ARN of a DynamoDB stream (arn:<partition>:dynamodb:<region>:<account>:table/<name>/stream/<label>)."
  }
}

variable "table_kms_key_arn" {
  description = "ARN of the customer-managed key the table is encrypted with: the function's role may then decrypt through DynamoDB, which reading the stream needs. Null for a table under an AWS key."
  type        = string
  default     = null
}

variable "package_path" {
  description = "Path of the zip holding the function's code (built outside Terraform, e.g. `make build`)."
  type        = string
}

variable "handler" {
  description = "The function's entry point (module.function). It gets the stream's records in batches and answers {\"batchItemFailures\": [{\"itemIdentifier\": <sequence number>}]} naming the first record it could not publish, or none; it finds the bus in EVENT_BUS_NAME."
  type        = string
}

variable "runtime" {
  description = "Lambda runtime of the function (the lambda module's choices)."
  type        = string
  default     = "python3.13"
}

variable "architecture" {
  description = "Instruction set of the function: arm64 or x86_64; must match the zip's build."
  type        = string
  default     = "arm64"
}

variable "memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Timeout of one batch in seconds."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30
}

variable "environment_variables" {
  description = "Environment variables of the function besides EVENT_BUS_NAME, which the module sets."
  type        = map(string)
  default     = {}

  validation {
    condition     = !contains(keys(var.environment_variables), "EVENT_BUS_NAME")
    error_message = "EVENT_BUS_NAME is set by the module (the bus it creates)."
  }
}

variable "filter_patterns" {
  description = "Event filtering patterns (JSON) of the event source mapping: a record is published when any matches, and records that match none never invoke the function (nor cost an invocation). Empty: every record."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.filter_patterns) <= 5 && alltrue([for pattern in var.filter_patterns : can(keys(jsondecode(pattern)))])
    error_message = "filter_patterns takes at most 5 patterns (Lambda's default quota), each a JSON object."
  }
}

variable "starting_position" {
  description = "Where a new mapping starts reading: TRIM_HORIZON (the oldest record the stream keeps, up to 24 hours: nothing written before the mapping existed is missed; a mapping made again publishes those again, with the versions consumers have seen) or LATEST."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.starting_position)
    error_message = "starting_position must be TRIM_HORIZON or LATEST."
  }
}

variable "batch_size" {
  description = "Most records per invocation (1-10000)."
  type        = number
  default     = 100

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be from 1 to 10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long Lambda gathers records before invoking (0-300 s): fewer, fuller invocations for some delay."
  type        = number
  default     = 1

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be from 0 to 300."
  }
}

variable "parallelization_factor" {
  description = "Concurrent batches per shard (1-10). Records of one item stay in order at any factor."
  type        = number
  default     = 1

  validation {
    condition     = var.parallelization_factor >= 1 && var.parallelization_factor <= 10
    error_message = "parallelization_factor must be from 1 to 10."
  }
}

variable "maximum_retry_attempts" {
  description = "Retries of a failing batch before it goes to the dead-letter queue (0-10000). -1 (retry until the record expires) would stop the shard for up to a day and is refused."
  type        = number
  default     = 10

  validation {
    condition     = var.maximum_retry_attempts >= 0 && var.maximum_retry_attempts <= 10000
    error_message = "maximum_retry_attempts must be from 0 to 10000."
  }
}

variable "maximum_record_age_in_seconds" {
  description = "Age after which a failing batch goes to the dead-letter queue (60-604800 s). The default, 6 hours, leaves 18 of the stream's 24 hours to redrive it."
  type        = number
  default     = 21600

  validation {
    condition     = var.maximum_record_age_in_seconds >= 60 && var.maximum_record_age_in_seconds <= 604800
    error_message = "maximum_record_age_in_seconds must be from 60 to 604800."
  }
}

variable "dead_letter_kms_key_arn" {
  description = "Customer-managed key of the dead-letter queue. Null: SQS's own encryption (SSE-SQS)."
  type        = string
  default     = null
}

variable "bus_kms_key_arn" {
  description = "Customer-managed key of the bus's events at rest. Null: an AWS owned key. The key policy must let EventBridge use it."
  type        = string
  default     = null
}

variable "alarm_actions" {
  description = "Where the alarms notify (SNS topic ARNs, e.g. the monitoring module's topic_arn), on alarm and on recovery."
  type        = list(string)
  default     = []
}

variable "iterator_age_alarm_seconds" {
  description = "Alarm when the newest record published is older than this: events are late."
  type        = number
  default     = 600

  validation {
    condition     = var.iterator_age_alarm_seconds >= 60
    error_message = "iterator_age_alarm_seconds must be at least 60."
  }
}

variable "alias_function_version" {
  description = "Pin the publisher's alias (what the event source mapping invokes) to this published version, for a rollback; null follows the version each apply publishes."
  type        = string
  default     = null
}

variable "role_permissions_boundary" {
  description = "ARN of the managed policy to set as the permissions boundary of the publisher function's role (where service control policies demand one); null for none."
  type        = string
  default     = null
}

variable "role_path" {
  description = "IAM path of the publisher function's role: \"/\" or /<segments>/ (changing it replaces the roles)."
  type        = string
  default     = "/"
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}
