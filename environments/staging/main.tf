# staging: production's shape at lower limits: provisioned tables with auto scaling 10-50 at 70%, as in prod.
# Everything this environment sets is in this file; what the environments share is modules/workout-log.

terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }

  # Partial configuration: `terraform init -backend-config=backend.hcl` (see backend.hcl.example). State locking
  # uses S3's native lock file (use_lockfile), so no DynamoDB lock table is needed.
  backend "s3" {}
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Application = "workout-log"
      Environment = "staging"
      ManagedBy   = "terraform"
      Repository  = "workout-log-platform"
    }
  }
}

module "workout_log" {
  source = "../../modules/workout-log"

  environment = "staging"
  # `make build` writes the zip; lambda_runtime and lambda_architecture (python3.13, arm64 by default) must match it.
  lambda_package_path = "${path.root}/../../dist/workout-log-python3.13-arm64.zip"

  log_level    = "INFO"
  user_binding = "none"
  alarm_emails = []

  # One stack per account and region owns API Gateway's CloudWatch role (see the README, "API Gateway logging").
  manage_api_gateway_account = false

  billing_mode        = "PROVISIONED"
  autoscaling         = { min_capacity = 10, max_capacity = 50, target_utilization = 70 }
  deletion_protection = true
  log_retention_days  = 30
  api_throttling      = { rate_limit = 50, burst_limit = 100 }

  # Reserved concurrency (40 here) must leave 100 unreserved: the account's Lambda concurrency quota must be at
  # least 140, and new accounts often start at 10-50. Raise the quota first (Service Quotas, "Concurrent
  # executions"), or the apply fails with InvalidParameterValueException. Terraform cannot check a quota at plan time.
  reserved_concurrency = { process_workout = 20, workout_stats = 20 }
}
