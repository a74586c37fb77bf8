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
  region = var.region

  default_tags {
    tags = {
      Application = "workout-log"
      Environment = "staging"
      ManagedBy   = "terraform"
      Repository  = "workout-log-platform"
    }
  }
}
