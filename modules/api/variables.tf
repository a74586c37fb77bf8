variable "name" {
  description = "Name of the REST API (also names its stage log group)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.name))
    error_message = "name must be 1-128 characters of letters, digits, '_' and '-'."
  }
}

variable "description" {
  description = "Description of the REST API."
  type        = string
  default     = ""
}

variable "routes" {
  description = "Routes keyed by \"METHOD /path\" (path parameters in braces, e.g. \"GET /stats/{userId}\"), each to a Lambda function by proxy integration with AWS_IAM authorisation: invoke_arn is what the integration invokes (the lambda module's alias_invoke_arn), qualifier the alias (or version) the invoke permission is granted on (alias_name), null for the unqualified function."
  type = map(object({
    function_name = string
    invoke_arn    = string
    qualifier     = optional(string)
  }))

  validation {
    condition     = length(var.routes) > 0 && alltrue([for key in keys(var.routes) : can(regex("^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/[A-Za-z0-9._~-]+|/\\{[A-Za-z0-9_]+\\})+$", key))])
    error_message = "Each route key must be \"METHOD /path\", e.g. \"POST /workouts\" or \"GET /stats/{userId}\"."
  }
}

variable "stage_name" {
  description = "Name of the deployment stage (part of every URL)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 characters of letters, digits and '_'."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second allowed for every method of the stage."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "throttling_rate_limit must be positive."
  }
}

variable "throttling_burst_limit" {
  description = "Burst of requests allowed for every method of the stage."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_burst_limit > 0
    error_message = "throttling_burst_limit must be positive."
  }
}

variable "logging_level" {
  description = "Execution logging level of the stage (needs the account-level CloudWatch role, see manage_account_cloudwatch_role)."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.logging_level)
    error_message = "logging_level must be OFF, ERROR or INFO."
  }
}

variable "log_retention_days" {
  description = "Retention of the access log group and of the execution log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, ...)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key for the access and execution log groups. Null keeps CloudWatch Logs' own encryption at rest. The key policy must allow the service principal logs.<region>.amazonaws.com kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe*, or creating the log group is denied (see the README)."
  type        = string
  default     = null
}

variable "manage_execution_log_group" {
  description = "Create the stage's execution log group (API-Gateway-Execution-Logs_<rest api id>/<stage>) before the stage, with log_retention_days and log_kms_key_arn. API Gateway creates it itself, with no retention, when a stage first logs: for a stage that has logged already, import the group once (README) or leave this false."
  type        = bool
  default     = true
}

variable "manage_account_cloudwatch_role" {
  description = "Whether this module creates the account-level role API Gateway needs to write the stage's access and execution logs (one per account and region): true in exactly one stack per account and region; false where the account has it already (another stack owns aws_api_gateway_account, or it was set once). Left unset, the plan stops and says so: in a fresh account the stage cannot be created without the role."
  type        = bool
  default     = null
}

variable "role_permissions_boundary" {
  description = "ARN of the managed policy to set as the permissions boundary of the account-level CloudWatch role, when this module creates it (where service control policies demand one); null for none."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.role_permissions_boundary, "x")))
    error_message = "role_permissions_boundary must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>) or null."
  }
}

variable "role_path" {
  description = "IAM path of the account-level CloudWatch role, when this module creates it: \"/\" or /<segments>/ (changing it replaces the role)."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([!-~]+/)?$", var.role_path)) && length(var.role_path) <= 512
    error_message = "role_path must be \"/\" or begin and end with \"/\", in printable ASCII without spaces, at most 512 characters."
  }
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}
