# Who may call which routes: one IAM policy document for the users' routes and one for the operator lookup, each
# granting execute-api:Invoke on exactly those routes of this stage. Attach them to the roles of callers (an
# identity pool's authenticated role, a service's role, an operator group).

data "aws_iam_policy_document" "user_invoke" {
  statement {
    sid       = "InvokeUserRoutes"
    actions   = ["execute-api:Invoke"]
    resources = [for route in setsubtract(keys(module.api.route_arns), local.operator_routes) : module.api.route_arns[route]]
  }
}

data "aws_iam_policy_document" "operator_invoke" {
  statement {
    sid       = "InvokeOperatorRoutes"
    actions   = ["execute-api:Invoke"]
    resources = [for route in local.operator_routes : module.api.route_arns[route]]
  }
}
