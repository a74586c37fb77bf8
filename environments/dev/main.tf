# dev: cheap and disposable: on-demand tables, no deletion protection, short log retention, DEBUG logs.
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
      Environment = "dev"
      ManagedBy   = "terraform"
      Repository  = "workout-log-platform"
    }
  }
}

module "workout_log" {
  source = "../../modules/workout-log"

  environment = "dev"
  # `make build` writes the zip; lambda_runtime and lambda_architecture (python3.13, arm64 by default) must match it.
  lambda_package_path = "${path.root}/../../dist/workout-log-python3.13-arm64.zip"

  log_level    = "DEBUG"
  user_binding = "none"
  alarm_emails = []

  # One stack per account and region owns API Gateway's CloudWatch role (see the README, "API Gateway logging").
  manage_api_gateway_account = false

  billing_mode        = "PAY_PER_REQUEST"
  deletion_protection = false
  log_retention_days  = 14
  parameters_max_age  = 60
  api_throttling      = { rate_limit = 20, burst_limit = 40 }
}
