# Three settings of a billing service, one of them a secret.
module "config" {
  source = "../.."

  parameter_prefix = "/billing/dev"
  parameters = {
    "invoice-due-days" = { value = "30", description = "Days until an invoice is due." }
    "currencies"       = { type = "StringList", value = "EUR,USD,GBP", description = "Currencies invoices may use." }
    "webhook-secret"   = { type = "SecureString", value = "change-me", description = "Shared secret of the payment webhook." }
  }
}

output "parameter_arns" {
  description = "ARN of each parameter."
  value       = module.config.arns
}
