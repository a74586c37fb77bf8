variable "function_name" {
  description = "Name of the Lambda function (also names its role and log group)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,56}$", var.function_name))
    error_message = "function_name must be 1-56 characters of letters, digits, '_' and '-' (the role name adds a suffix)."
  }
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = ""
}

variable "package_path" {
  description = "Path of the zip built by `make build`. Its hash becomes source_code_hash, so an unchanged build never redeploys."
  type        = string

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must name a .zip file built by `make build`."
  }
}

variable "handler" {
  description = "Python entry point, module.function (e.g. workout_log.handlers.process_workout.handler)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$", var.handler))
    error_message = "handler must be a dotted Python path ending in the function name."
  }
}

variable "runtime" {
  description = "Lambda runtime. Only runtimes not yet deprecated are allowed (python3.10 was deprecated on 2026-10-31)."
  type        = string
  default     = "python3.13"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.11, python3.12 or python3.13."
  }
}

variable "architecture" {
  description = "Instruction set: arm64 (Graviton, 20% cheaper per GB-second) or x86_64. Must match the zip's build."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB (CPU scales with it)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds. Keep it under API Gateway's 29-second integration timeout."
  type        = number
  default     = 10

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) this function. -1 leaves it unreserved. Lambda keeps 100 of the account's quota unreserved, so the sum reserved across the account must stay at or below the quota minus 100 (new accounts often have a quota of 10-50): validation cannot see the quota, the apply fails instead."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a non-negative number."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function."
  type        = map(string)
  default     = {}
}

variable "policy_statements" {
  description = "The only IAM statements the function's role gets besides writing its own logs and traces. Name exact resources."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []

  validation {
    condition     = alltrue([for s in var.policy_statements : can(regex("^[A-Za-z0-9]+$", s.sid))])
    error_message = "Each policy statement needs an alphanumeric sid."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : !contains(s.resources, "*")])
    error_message = "policy_statements must name exact resources, never \"*\"."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ...)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key for the log group. Null keeps CloudWatch Logs' own encryption at rest. The key policy must allow the service principal logs.<region>.amazonaws.com kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe*, or creating the log group is denied (see the README)."
  type        = string
  default     = null
}

variable "tracing_mode" {
  description = "X-Ray tracing: Active samples and traces every invocation path; PassThrough only follows upstream decisions."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "alias_name" {
  description = "Name of the alias the function's callers invoke (API Gateway, event source mappings). It points at the version each apply publishes, or at alias_function_version."
  type        = string
  default     = "live"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.alias_name)) && !can(regex("^[0-9]+$", var.alias_name))
    error_message = "alias_name must be 1-128 letters, digits, '_' and '-', and not only digits (those name versions)."
  }
}

variable "alias_function_version" {
  description = "Pin the alias to this published version (a rollback: see the README); null follows the version each apply publishes."
  type        = string
  default     = null

  validation {
    condition     = var.alias_function_version == null || can(regex("^[1-9][0-9]*$", coalesce(var.alias_function_version, "1")))
    error_message = "alias_function_version must be a published version number such as \"41\", or null."
  }
}

variable "provisioned_concurrent_executions" {
  description = "Execution environments kept initialised for the alias, so that those requests never start cold; billed per GB-second provisioned, whether used or not. 0 for none."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.provisioned_concurrent_executions >= 0 && floor(var.provisioned_concurrent_executions) == var.provisioned_concurrent_executions
    error_message = "provisioned_concurrent_executions must be a whole number, 0 or more."
  }
}

variable "snap_start" {
  description = "Lambda SnapStart on published versions: new execution environments resume from a snapshot taken when the version is published, instead of starting cold. Python 3.12 and later; not with provisioned concurrency."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.snap_start || contains(["python3.12", "python3.13"], var.runtime)
    error_message = "snap_start needs runtime python3.12 or later (Lambda SnapStart supports no earlier Python)."
  }

  validation {
    condition     = !(var.snap_start && var.provisioned_concurrent_executions > 0)
    error_message = "snap_start and provisioned_concurrent_executions exclude each other: Lambda SnapStart does not support provisioned concurrency."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of the managed policy to set as the permissions boundary of the function's role (where service control policies demand one); null for none."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.role_permissions_boundary, "x")))
    error_message = "role_permissions_boundary must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>) or null."
  }
}

variable "role_path" {
  description = "IAM path of the function's role: \"/\" or /<segments>/ (changing it replaces the role)."
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
