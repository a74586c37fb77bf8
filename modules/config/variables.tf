variable "parameter_prefix" {
  description = "SSM path under which the parameters live, namespaced by environment, e.g. \"/workout-log/prod\" (CONFIG_PARAMETER_PREFIX)."
  type        = string

  validation {
    condition     = can(regex("^(/[A-Za-z0-9_.-]+)+$", var.parameter_prefix))
    error_message = "parameter_prefix must be an absolute SSM path such as /workout-log/prod, without a trailing slash."
  }
}

variable "max_workout_duration_minutes" {
  description = "Longest workout, in minutes, that POST /workouts accepts."
  type        = number
  default     = 240

  validation {
    condition     = var.max_workout_duration_minutes > 0 && var.max_workout_duration_minutes <= 1440
    error_message = "max_workout_duration_minutes must be more than 0 and at most 1440 (one day)."
  }
}

variable "workout_types" {
  description = "Workout types that POST /workouts accepts."
  type        = list(string)
  default     = ["running", "cycling", "swimming", "walking", "rowing", "strength", "yoga", "hiit"]

  validation {
    condition     = length(var.workout_types) > 0 && alltrue([for t in var.workout_types : can(regex("^[a-z0-9_-]{1,64}$", t))])
    error_message = "workout_types must be a non-empty list of 1-64 character names of lower-case letters, digits, '_' and '-'."
  }

  validation {
    condition     = length(distinct(var.workout_types)) == length(var.workout_types)
    error_message = "workout_types must not repeat a type."
  }
}

variable "tags" {
  description = "Tags for every parameter."
  type        = map(string)
  default     = {}
}
