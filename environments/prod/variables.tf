variable "region" {
  description = "AWS region to deploy to."
  type        = string
}

variable "lambda_package_path" {
  description = "Zip to deploy; null for dist/workout-log-python3.13-arm64.zip from `make build`."
  type        = string
  default     = null
}

variable "log_level" {
  description = "Log level of both functions (DEBUG, INFO, WARNING or ERROR); null for the module's INFO."
  type        = string
  default     = null
}

variable "user_binding" {
  description = "none (trusted service callers act for any user) or cognito (the caller's identity must be userId); null for none."
  type        = string
  default     = null
}

variable "alarm_emails" {
  description = "E-mail addresses notified by every alarm."
  type        = list(string)
  default     = []
}

variable "manage_api_gateway_account" {
  description = "Manage the account-level API Gateway CloudWatch role here (once per account and region)."
  type        = bool
  default     = false
}

variable "import_execution_log_group" {
  description = "Adopt the API stage's execution log group that API Gateway created (imports.tf): true for the first apply after upgrading a deployment whose stage has logged; false for a new one."
  type        = bool
  default     = false
}
