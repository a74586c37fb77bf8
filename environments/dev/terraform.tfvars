# dev: cheap and disposable. On-demand tables, no deletion protection, debug logs, short retention.
environment         = "dev"
region              = "us-east-1"
billing_mode        = "PAY_PER_REQUEST"
deletion_protection = false
log_level           = "DEBUG"
log_retention_days  = 14
parameters_max_age  = 60
api_throttling      = { rate_limit = 20, burst_limit = 40 }
