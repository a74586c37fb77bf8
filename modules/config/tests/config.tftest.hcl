# Plan-level checks of the parameters module with a mocked provider; `make test` runs them.

mock_provider "aws" {}

variables {
  parameter_prefix = "/billing/dev"
  parameters = {
    "invoice-due-days" = { value = "30", description = "Days until an invoice is due." }
    "currencies"       = { type = "StringList", value = "EUR,USD" }
    "webhook/secret"   = { type = "SecureString", value = "s3cret", key_id = "alias/billing" }
  }
}

run "every_parameter_under_the_prefix" {
  command = plan

  assert {
    condition = { for key, p in aws_ssm_parameter.this : key => "${p.name} ${p.type}" } == {
      "invoice-due-days" = "/billing/dev/invoice-due-days String"
      "currencies"       = "/billing/dev/currencies StringList"
      "webhook/secret"   = "/billing/dev/webhook/secret SecureString"
    }
    error_message = "Each parameter must be <prefix>/<name> with the type asked for (String by default)."
  }

  assert {
    condition     = aws_ssm_parameter.this["webhook/secret"].key_id == "alias/billing"
    error_message = "A SecureString is encrypted with the key asked for."
  }

  assert {
    condition     = alltrue([for p in aws_ssm_parameter.this : p.tier == "Standard"])
    error_message = "The Standard tier is the default."
  }
}

run "rejects_a_relative_prefix" {
  command = plan

  variables {
    parameter_prefix = "billing/dev/"
  }

  expect_failures = [var.parameter_prefix]
}

run "rejects_no_parameters" {
  command = plan

  variables {
    parameters = {}
  }

  expect_failures = [var.parameters]
}

run "rejects_a_name_with_a_leading_slash" {
  command = plan

  variables {
    parameters = { "/leading" = { value = "x" } }
  }

  expect_failures = [var.parameters]
}

run "rejects_an_unknown_type" {
  command = plan

  variables {
    parameters = { "a" = { value = "x", type = "Text" } }
  }

  expect_failures = [var.parameters]
}

run "rejects_a_key_for_a_plain_string" {
  command = plan

  variables {
    parameters = { "a" = { value = "x", key_id = "alias/x" } }
  }

  expect_failures = [var.parameters]
}

run "rejects_an_unknown_tier" {
  command = plan

  variables {
    parameters = { "a" = { value = "x", tier = "Premium" } }
  }

  expect_failures = [var.parameters]
}

run "rejects_a_standard_value_over_4096_characters" {
  command = plan

  variables {
    parameters = { "a" = { value = format("%04097d", 0) } }
  }

  expect_failures = [var.parameters]
}
