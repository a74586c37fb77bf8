# API Gateway writes execution and access logs to CloudWatch only once the account-level role is set. There is
# one such setting per account and region, so managing it is optional: another stack may already own it. Nothing
# can read that setting at plan time, so the caller says which it is (the stage's precondition asks).

locals {
  manage_account_role = var.manage_account_cloudwatch_role == true
}

data "aws_iam_policy_document" "account_assume" {
  count = local.manage_account_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "account" {
  count = local.manage_account_role ? 1 : 0

  # IAM role names take at most 64 characters; the API's name may take 128.
  name                 = "${substr(var.name, 0, 64 - length("-apigateway-cloudwatch"))}-apigateway-cloudwatch"
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.account_assume[0].json
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "account" {
  count = local.manage_account_role ? 1 : 0

  role       = aws_iam_role.account[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = local.manage_account_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.account[0].arn
}

data "aws_partition" "current" {}
