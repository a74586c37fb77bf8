variable "name_prefix" {
  description = "Prefix of the topic, alarm and dashboard names, e.g. \"workout-log-prod\"."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{3,200}$", var.name_prefix))
    error_message = "name_prefix must be 3-200 characters of letters, digits, '_' and '-'."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "create_kms_key" {
  description = "Create the SNS topic's KMS key, with a policy that lets CloudWatch alarms publish. Set false and pass kms_key_arn to bring your own (a boolean, so that the plan knows the count even when your key is created in the same apply)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "Your KMS key for the SNS topic, with create_kms_key = false. Its key policy must allow the service principal cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*, or alarm notifications are dropped without an error (see the README)."
  type        = string
  default     = null

  validation {
    condition     = var.create_kms_key == (var.kms_key_arn == null)
    error_message = "Pass kms_key_arn together with create_kms_key = false, or neither (the module creates the key)."
  }
}

variable "lambda_functions" {
  description = "Functions to watch, keyed by a short label, with their timeout in seconds."
  type = map(object({
    function_name   = string
    timeout_seconds = number
  }))
  default = {}
}

variable "dynamodb_tables" {
  description = "Tables whose throttled requests (on the table and on each listed global secondary index) raise an alarm, keyed by a label you choose. Keys must be known at plan time: use labels such as \"orders\", not names computed by the apply."
  type = map(object({
    name                     = string
    global_secondary_indexes = optional(list(string), [])
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for table in values(var.dynamodb_tables) : length(table.global_secondary_indexes) <= 4])
    error_message = "At most 4 indexes per table: a CloudWatch metric math alarm takes at most 10 metrics (2 per table or index)."
  }
}

variable "api" {
  description = "REST API whose 5XX answers raise an alarm (null to skip): its name, stage, and the routes (\"METHOD /path\", as API Gateway's Method and Resource metric dimensions) that get an alarm and a dashboard row each."
  type = object({
    name   = string
    stage  = string
    routes = optional(list(string), [])
  })
  default = null

  validation {
    condition     = var.api == null || alltrue([for route in try(var.api.routes, []) : can(regex("^[A-Z]+ /[^ ]*$", route))])
    error_message = "api.routes must be \"METHOD /path\" keys, e.g. \"GET /orders/{orderId}\"."
  }
}

variable "metrics_namespace" {
  description = "Namespace of the workout log's EMF metrics (POWERTOOLS_METRICS_NAMESPACE) for a dashboard widget of workouts logged and calories burned; null (the default) for no such widget."
  type        = string
  default     = null
}

variable "service_name" {
  description = "The `service` dimension of the application's metrics (POWERTOOLS_SERVICE_NAME)."
  type        = string
  default     = "workout-log"
}

variable "thresholds" {
  description = "Alarm thresholds. Lambda errors are counted over 10 minutes; throttles and 5XX over 5 minutes; duration is a fraction of the timeout (p99 over 5 minutes)."
  type = object({
    lambda_errors         = optional(number, 10)
    lambda_throttles      = optional(number, 0)
    lambda_duration_ratio = optional(number, 0.8)
    dynamodb_throttled    = optional(number, 5)
    api_5xx               = optional(number, 5)
  })
  default = {}

  validation {
    condition     = var.thresholds.lambda_duration_ratio > 0 && var.thresholds.lambda_duration_ratio < 1
    error_message = "thresholds.lambda_duration_ratio must be between 0 and 1."
  }
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}
