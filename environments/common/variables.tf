variable "environment" {
  description = "Environment name; namespaces every resource and parameter."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "lambda_runtime" {
  description = "Lambda runtime; the zip must be built for it (make build RUNTIME=...)."
  type        = string
  default     = "python3.13"
}

variable "lambda_architecture" {
  description = "Lambda architecture; the zip must be built for it (make build ARCH=...)."
  type        = string
  default     = "arm64"
}

variable "lambda_package_path" {
  description = "Zip to deploy. Null uses dist/workout-log-<runtime>-<architecture>.zip from `make build`."
  type        = string
  default     = null
}

variable "lambda_memory_size" {
  description = "Memory of both functions, in MB."
  type        = number
  default     = 256
}

variable "lambda_timeout" {
  description = "Timeout of both functions, in seconds."
  type        = number
  default     = 10
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of each function (-1: unreserved)."
  type = object({
    process_workout = optional(number, -1)
    workout_stats   = optional(number, -1)
  })
  default = {}
}

variable "log_retention_days" {
  description = "Retention of the Lambda and API access logs, in days."
  type        = number
  default     = 30
}

variable "log_level" {
  description = "Log level of both functions (POWERTOOLS_LOG_LEVEL)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "parameters_max_age" {
  description = "Seconds the functions cache SSM parameters (POWERTOOLS_PARAMETERS_MAX_AGE)."
  type        = number
  default     = 300
}

variable "user_binding" {
  description = "How userId is bound to the caller (USER_BINDING): none (trusted service callers act for any user) or cognito (the caller's Cognito identity must equal userId)."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "cognito"], var.user_binding)
    error_message = "user_binding must be none or cognito."
  }
}

variable "billing_mode" {
  description = "DynamoDB billing mode: PAY_PER_REQUEST or PROVISIONED (auto scaled)."
  type        = string
  default     = "PAY_PER_REQUEST"
}

variable "autoscaling" {
  description = "DynamoDB auto scaling when billing_mode is PROVISIONED."
  type = object({
    min_capacity       = optional(number, 10)
    max_capacity       = optional(number, 50)
    target_utilization = optional(number, 70)
  })
  default = {}
}

variable "type_index_shards" {
  description = "Shards of the workout type index's partition key."
  type        = number
  default     = 10
}

variable "deletion_protection" {
  description = "Deletion protection of the DynamoDB tables."
  type        = bool
  default     = true
}

variable "max_workout_duration_minutes" {
  description = "Longest workout accepted, in minutes (SSM)."
  type        = number
  default     = 240
}

variable "workout_types" {
  description = "Workout types accepted (SSM)."
  type        = list(string)
  default     = ["running", "cycling", "swimming", "walking", "rowing", "strength", "yoga", "hiit"]
}

variable "api_throttling" {
  description = "Stage-wide API Gateway throttling."
  type = object({
    rate_limit  = optional(number, 50)
    burst_limit = optional(number, 100)
  })
  default = {}
}

variable "manage_api_gateway_account" {
  description = "Manage the account-level API Gateway CloudWatch role (once per account and region)."
  type        = bool
  default     = false
}

variable "alarm_emails" {
  description = "E-mail addresses notified by every alarm."
  type        = list(string)
  default     = []
}
