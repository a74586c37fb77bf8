variable "environment" {
  description = "Environment name; namespaces every resource (workout-log-<environment>-...) and parameter (/workout-log/<environment>/...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.environment))
    error_message = "environment must be 1-20 characters of lower-case letters, digits and '-', starting with a letter (e.g. dev, staging, prod)."
  }
}

variable "lambda_runtime" {
  description = "Lambda runtime; the zip must be built for it (make build RUNTIME=...)."
  type        = string
  default     = "python3.13"
  nullable    = false
}

variable "lambda_architecture" {
  description = "Lambda architecture; the zip must be built for it (make build ARCH=...)."
  type        = string
  default     = "arm64"
  nullable    = false
}

variable "lambda_package_path" {
  description = "The workout_log zip built for lambda_runtime and lambda_architecture (`make build` writes dist/workout-log-<runtime>-<architecture>.zip)."
  type        = string
}

variable "lambda_memory_size" {
  description = "Memory of both functions, in MB."
  type        = number
  default     = 256
  nullable    = false
}

variable "lambda_timeout" {
  description = "Timeout of both functions, in seconds."
  type        = number
  default     = 10
  nullable    = false
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of each function (-1: unreserved)."
  type = object({
    process_workout = optional(number, -1)
    workout_stats   = optional(number, -1)
  })
  default  = {}
  nullable = false
}

variable "log_retention_days" {
  description = "Retention of the Lambda and API access logs, in days."
  type        = number
  default     = 30
  nullable    = false
}

variable "log_level" {
  description = "Log level of both functions (POWERTOOLS_LOG_LEVEL)."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "parameters_max_age" {
  description = "Seconds the functions cache SSM parameters (POWERTOOLS_PARAMETERS_MAX_AGE)."
  type        = number
  default     = 300
  nullable    = false
}

variable "user_binding" {
  description = "How userId is bound to the caller (USER_BINDING): none (trusted service callers act for any user) or cognito (the caller's Cognito identity must equal userId)."
  type        = string
  default     = "none"
  nullable    = false

  validation {
    condition     = contains(["none", "cognito"], var.user_binding)
    error_message = "user_binding must be none or cognito."
  }
}

variable "billing_mode" {
  description = "DynamoDB billing mode: PAY_PER_REQUEST or PROVISIONED (auto scaled)."
  type        = string
  default     = "PAY_PER_REQUEST"
  nullable    = false
}

variable "autoscaling" {
  description = "DynamoDB auto scaling when billing_mode is PROVISIONED."
  type = object({
    min_capacity       = optional(number, 10)
    max_capacity       = optional(number, 50)
    target_utilization = optional(number, 70)
  })
  default  = {}
  nullable = false
}

variable "type_index_shards" {
  description = "How many shards the type index's partition key (\"<workoutType>#<shard>\") is spread over; the functions read it as WORKOUT_TYPE_SHARDS. Each shard of one type takes up to 1,000 writes a second. Only ever raise it: a workout keeps the shard it was stored in, and the operator lookup reads shards 0 to N-1, so lowering it hides the workouts of the shards above."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.type_index_shards >= 1 && var.type_index_shards <= 100 && floor(var.type_index_shards) == var.type_index_shards
    error_message = "type_index_shards must be a whole number from 1 to 100."
  }
}

variable "deletion_protection" {
  description = "Deletion protection of the DynamoDB tables."
  type        = bool
  default     = true
  nullable    = false
}

variable "max_workout_duration_minutes" {
  description = "Longest workout, in minutes, that POST /workouts accepts (SSM parameter <prefix>/max-workout-duration-minutes)."
  type        = number
  default     = 240
  nullable    = false

  validation {
    condition     = var.max_workout_duration_minutes > 0 && var.max_workout_duration_minutes <= 1440
    error_message = "max_workout_duration_minutes must be more than 0 and at most 1440 (one day)."
  }
}

variable "workout_types" {
  description = "Workout types that POST /workouts accepts (SSM parameter <prefix>/workout-types)."
  type        = list(string)
  default     = ["running", "cycling", "swimming", "walking", "rowing", "strength", "yoga", "hiit"]
  nullable    = false

  validation {
    condition     = length(var.workout_types) > 0 && alltrue([for t in var.workout_types : can(regex("^[a-z0-9_-]{1,64}$", t))])
    error_message = "workout_types must be a non-empty list of 1-64 character names of lower-case letters, digits, '_' and '-'."
  }

  validation {
    condition     = length(distinct(var.workout_types)) == length(var.workout_types)
    error_message = "workout_types must not repeat a type."
  }
}

variable "api_throttling" {
  description = "Stage-wide API Gateway throttling."
  type = object({
    rate_limit  = optional(number, 50)
    burst_limit = optional(number, 100)
  })
  default  = {}
  nullable = false
}

variable "manage_api_gateway_account" {
  description = "Whether this call creates the account-level role API Gateway needs to write the API's logs (one per account and region): true in exactly one stack per account and region, false where the account has it already. Left unset, the plan stops and says so: in a fresh account the API's stage cannot be created without the role."
  type        = bool
  default     = null

  validation {
    condition     = var.manage_api_gateway_account != null
    error_message = "Set manage_api_gateway_account. The API's stage writes access and execution logs, which API Gateway accepts only once the account and region have a CloudWatch Logs role: true to create it here (in exactly one stack per account and region), false when the account has it already (`aws apigateway get-account` shows a cloudwatchRoleArn)."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses notified by every alarm."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "events_include_notes" {
  description = "Publish each workout's notes (free text) in its change events. Off: events carry ids, type, time and version only."
  type        = bool
  default     = false
  nullable    = false
}

variable "role_permissions_boundary" {
  description = "ARN of the managed policy to set as the permissions boundary of every role this application creates (each function's, and API Gateway's account role where manage_api_gateway_account is true), where service control policies demand one; null for none."
  type        = string
  default     = null
}

variable "role_path" {
  description = "IAM path of every role this application creates: \"/\" or /<segments>/ (changing it replaces the roles)."
  type        = string
  default     = "/"
  nullable    = false
}

variable "pinned_versions" {
  description = "Roll a function back: the published version its alias (what the API and the stream invoke) points at, instead of the version each apply publishes. Unset ones follow each apply. See docs/OPERATIONS.md, \"Rolling back a release\"."
  type = object({
    process_workout = optional(string)
    workout_stats   = optional(string)
    publish_changes = optional(string)
  })
  default  = {}
  nullable = false
}
