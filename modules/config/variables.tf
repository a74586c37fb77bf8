variable "parameter_prefix" {
  description = "SSM path under which the parameters live, e.g. \"/billing/prod\". Readers get it to build each name."
  type        = string

  validation {
    condition     = can(regex("^(/[A-Za-z0-9_.-]+)+$", var.parameter_prefix))
    error_message = "parameter_prefix must be an absolute SSM path such as /billing/prod, without a trailing slash."
  }
}

variable "parameters" {
  description = "Parameters by name under parameter_prefix: type (String, StringList with comma-separated values, or SecureString), value, description, the KMS key of a SecureString (default: the account's aws/ssm key) and the tier (Standard: values up to 4 KB)."
  type = map(object({
    value       = string
    type        = optional(string, "String")
    description = optional(string)
    key_id      = optional(string)
    tier        = optional(string, "Standard")
  }))
  nullable = false

  validation {
    condition     = length(var.parameters) > 0
    error_message = "parameters must name at least one parameter."
  }

  validation {
    condition     = alltrue([for name in keys(var.parameters) : can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", name))])
    error_message = "Parameter names must be letters, digits, '_', '.' and '-', in path segments separated by '/' (no leading or trailing '/')."
  }

  validation {
    condition     = alltrue([for parameter in values(var.parameters) : contains(["String", "StringList", "SecureString"], parameter.type)])
    error_message = "A parameter's type must be String, StringList or SecureString."
  }

  validation {
    condition     = alltrue([for parameter in values(var.parameters) : parameter.key_id == null || parameter.type == "SecureString"])
    error_message = "key_id is for SecureString parameters only."
  }

  validation {
    condition     = alltrue([for parameter in values(var.parameters) : contains(["Standard", "Advanced", "Intelligent-Tiering"], parameter.tier)])
    error_message = "A parameter's tier must be Standard, Advanced or Intelligent-Tiering."
  }

  validation {
    condition     = alltrue([for parameter in values(var.parameters) : parameter.tier != "Standard" || length(parameter.value) <= 4096])
    error_message = "A Standard parameter's value takes at most 4,096 characters; use the Advanced tier for up to 8 KB."
  }
}

variable "tags" {
  description = "Tags for every parameter."
  type        = map(string)
  default     = {}
}
