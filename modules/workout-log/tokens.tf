# The HMAC key behind the page tokens of the list routes (nextToken): the read function asks KMS once per cold
# start for the MAC of a fixed message (GenerateMac is deterministic) and signs tokens with it, so a client cannot
# alter a token or forge one for another user or query. The key's material never leaves KMS.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "page_tokens" {
  #checkov:skip=CKV_AWS_109:Key administration is the account root's (the key policy's standard first statement); without it the key could become unmanageable.
  #checkov:skip=CKV_AWS_111:Resource "*" in a key policy is this key; use is granted by IAM policies (the read function's SignPageTokens statement).
  #checkov:skip=CKV_AWS_356:In a key policy, Resource "*" means this key and nothing else.
  statement {
    sid       = "AccountAdministersAndIamGrants"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "page_tokens" {
  #checkov:skip=CKV_AWS_7:HMAC keys do not support automatic rotation (AWS KMS developer guide, "Rotating AWS KMS keys"); a new key only invalidates open page tokens, which clients restart without.
  description              = "Signs the page tokens of ${local.name_prefix}"
  key_usage                = "GENERATE_VERIFY_MAC"
  customer_master_key_spec = "HMAC_256"
  deletion_window_in_days  = 7
  policy                   = data.aws_iam_policy_document.page_tokens.json
}
