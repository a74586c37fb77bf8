# Plan-level checks of the REST API module with a mocked provider; `make test` runs them.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name                           = "orders"
  manage_account_cloudwatch_role = false
  routes = {
    "POST /orders"             = { function_name = "orders-create", invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-create/invocations" }
    "GET /orders/{orderId}"    = { function_name = "orders-read", invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-read/invocations" }
    "DELETE /orders/{orderId}" = { function_name = "orders-read", invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-read/invocations" }
  }
}

run "every_method_requires_aws_iam" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for path, methods in jsondecode(aws_api_gateway_rest_api.this.body).paths : [
        for method, operation in methods : operation.security == [{ sigv4 = [] }]
      ]
    ]))
    error_message = "Every method must require the sigv4 (AWS_IAM) security scheme."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_rest_api.this.body).components.securitySchemes.sigv4["x-amazon-apigateway-authtype"] == "awsSigv4"
    error_message = "The sigv4 scheme must be API Gateway's AWS_IAM (awsSigv4)."
  }

  assert {
    condition     = length(flatten([for path, methods in jsondecode(aws_api_gateway_rest_api.this.body).paths : keys(methods)])) == 3
    error_message = "Every route must be a method of the document."
  }

  assert {
    condition = alltrue(flatten([
      for path, methods in jsondecode(aws_api_gateway_rest_api.this.body).paths : [
        for method, operation in methods : operation["x-amazon-apigateway-integration"].type == "aws_proxy"
      ]
    ]))
    error_message = "Every route must be a Lambda proxy integration."
  }
}

run "stage_logs_traces_and_throttles" {
  command = plan

  assert {
    condition     = aws_api_gateway_stage.this.xray_tracing_enabled && length(aws_api_gateway_stage.this.access_log_settings) == 1
    error_message = "The stage must trace and write access logs."
  }

  assert {
    condition     = aws_api_gateway_method_settings.this.settings[0].throttling_rate_limit == 50 && aws_api_gateway_method_settings.this.settings[0].throttling_burst_limit == 100
    error_message = "The stage is throttled at 50 requests a second, bursts of 100, by default."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.retention_in_days == 30
    error_message = "Access logs are kept 30 days by default."
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && length(aws_iam_role.account) == 0
    error_message = "The account-level setting is managed only on request."
  }
}

run "the_execution_log_group_is_made_with_the_retention_before_api_gateway_makes_it" {
  command = apply

  variables {
    log_retention_days = 90
  }

  override_resource {
    target = aws_api_gateway_rest_api.this
    values = { id = "a1b2c3d4e5", execution_arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5" }
  }

  override_resource {
    target = aws_cloudwatch_log_group.access
    values = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/orders/v1/access" }
  }

  assert {
    condition     = aws_cloudwatch_log_group.execution[0].name == "API-Gateway-Execution-Logs_a1b2c3d4e5/v1"
    error_message = "The execution log group must have the name API Gateway writes to."
  }

  assert {
    condition     = aws_cloudwatch_log_group.execution[0].retention_in_days == 90 && aws_cloudwatch_log_group.access.retention_in_days == 90
    error_message = "Both log groups must keep log_retention_days."
  }

  assert {
    condition     = output.execution_log_group_name == aws_cloudwatch_log_group.execution[0].name
    error_message = "The output must name the group."
  }
}

run "the_execution_log_group_can_be_left_to_api_gateway" {
  command = plan

  variables {
    manage_execution_log_group = false
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.execution) == 0
    error_message = "manage_execution_log_group = false must create no execution log group."
  }
}

run "invoke_permissions_name_method_and_path" {
  command = plan

  assert {
    condition     = length(aws_lambda_permission.this) == 3 && alltrue([for p in aws_lambda_permission.this : p.principal == "apigateway.amazonaws.com"])
    error_message = "Each route needs its own invoke permission for API Gateway."
  }
}

run "statement_ids_read_as_the_route" {
  assert {
    condition = alltrue([
      startswith(aws_lambda_permission.this["POST /orders"].statement_id, "AllowApiGatewayPostOrders-"),
      startswith(aws_lambda_permission.this["GET /orders/{orderId}"].statement_id, "AllowApiGatewayGetOrdersOrderid-"),
    ])
    error_message = "A statement id starts with AllowApiGateway<Method><Path>, so that a reader of the policy sees the route."
  }
}

run "invoke_permissions_are_granted_on_the_qualifier_the_route_names" {
  variables {
    routes = {
      "POST /orders" = { function_name = "orders-create", invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-create:live/invocations", qualifier = "live" }
      "GET /health"  = { function_name = "orders-create", invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-create/invocations" }
    }
  }

  assert {
    condition     = aws_lambda_permission.this["POST /orders"].qualifier == "live" && aws_lambda_permission.this["GET /health"].qualifier == null
    error_message = "Each route's permission is granted on the alias it names (or the unqualified function)."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_rest_api.this.body).paths["/orders"].post["x-amazon-apigateway-integration"].uri == var.routes["POST /orders"].invoke_arn
    error_message = "The integration invokes the route's invoke_arn (the alias)."
  }
}

# Two routes of one function that read the same ("GET /a-b", "GET /a/b"), and a path longer than Lambda's
# 100-character statement id: each id unique, at most 100 characters of Lambda's alphabet.
run "statement_ids_are_unique_and_bounded_for_any_route_set" {
  variables {
    routes = {
      for key in ["GET /a-b", "GET /a/b", "GET /A_B", "POST /${join("/", [for i in range(30) : "segment${i}"])}", "POST /${join("/", [for i in range(30) : "segment${i}"])}/x"] :
      key => { function_name = "orders-read", invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-read/invocations" }
    }
  }

  assert {
    condition     = length(distinct([for p in aws_lambda_permission.this : p.statement_id])) == 5
    error_message = "Every route of a function needs a statement id of its own."
  }

  assert {
    condition     = alltrue([for p in aws_lambda_permission.this : length(p.statement_id) <= 100 && can(regex("^[A-Za-z0-9_-]+$", p.statement_id))])
    error_message = "Statement ids must be at most 100 characters of letters, digits, '-' and '_'."
  }
}

run "the_account_role_name_fits_iam_whatever_the_api_name" {
  command = plan

  variables {
    name                           = format("%0128d", 0) # the longest name the API accepts
    manage_account_cloudwatch_role = true
  }

  assert {
    condition     = length(aws_iam_role.account[0].name) == 64 && endswith(aws_iam_role.account[0].name, "-apigateway-cloudwatch")
    error_message = "The account role's name must fit IAM's 64 characters."
  }
}

# Alone in a fresh account the stage cannot be created (API Gateway needs the account's CloudWatch role for its
# logs, and nothing can read that setting at plan time): the plan stops and says what to set.
run "a_caller_that_has_not_said_who_owns_the_account_role_stops_at_plan" {
  command = plan

  variables {
    manage_account_cloudwatch_role = null
  }

  expect_failures = [aws_api_gateway_stage.this]
}

run "the_account_role_takes_a_permissions_boundary_and_a_path" {
  command = plan

  variables {
    manage_account_cloudwatch_role = true
    role_permissions_boundary      = "arn:aws:iam::123456789012:policy/workload-boundary"
    role_path                      = "/platform/"
  }

  assert {
    condition     = aws_iam_role.account[0].permissions_boundary == "arn:aws:iam::123456789012:policy/workload-boundary" && aws_iam_role.account[0].path == "/platform/"
    error_message = "The account-level CloudWatch role must carry the boundary and path asked for."
  }
}

run "rejects_a_bad_name" {
  command = plan

  variables {
    name = "has spaces"
  }

  expect_failures = [var.name]
}

run "rejects_a_route_key_without_method_and_path" {
  command = plan

  variables {
    routes = { "/orders" = { function_name = "f", invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/f" } }
  }

  expect_failures = [var.routes]
}

run "rejects_a_bad_stage_name" {
  command = plan

  variables {
    stage_name = "v1-beta"
  }

  expect_failures = [var.stage_name]
}

run "rejects_non_positive_throttling" {
  command = plan

  variables {
    throttling_rate_limit  = 0
    throttling_burst_limit = -1
  }

  expect_failures = [var.throttling_rate_limit, var.throttling_burst_limit]
}

run "rejects_an_unknown_logging_level" {
  command = plan

  variables {
    logging_level = "DEBUG"
  }

  expect_failures = [var.logging_level]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 31
  }

  expect_failures = [var.log_retention_days]
}
