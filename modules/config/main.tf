# Any set of SSM parameters under one path prefix: "<parameter_prefix>/<name>" for each entry of parameters.

resource "aws_ssm_parameter" "this" {
  #checkov:skip=CKV2_AWS_34:Each parameter's type is the caller's choice: SecureString (with key_id) for secrets, String or StringList for settings that are not secret, where encryption would add a KMS call to every read for no confidentiality gain. tests check that a SecureString gets its key.
  for_each = var.parameters

  name        = "${var.parameter_prefix}/${each.key}"
  description = each.value.description
  type        = each.value.type
  value       = each.value.value
  key_id      = each.value.key_id
  tier        = each.value.tier
  tags        = var.tags
}
