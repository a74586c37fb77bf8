# tflint configuration. Run from the repository root: `tflint --init && tflint --recursive --config "$(pwd)/.tflint.hcl"`.
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
  version = "0.40.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}

# Every variable and output has a description; every variable has a type.
rule "terraform_documented_variables" {
  enabled = true
}

rule "terraform_documented_outputs" {
  enabled = true
}

rule "terraform_typed_variables" {
  enabled = true
}

rule "terraform_naming_convention" {
  enabled = true
  format  = "snake_case"
}

rule "terraform_standard_module_structure" {
  enabled = true
}

# Flags Lambda runtimes that AWS has deprecated (python3.10 since 2026-10-31).
rule "aws_lambda_function_deprecated_runtime" {
  enabled = true
}
