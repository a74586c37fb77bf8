# A REST API described by an OpenAPI document generated from var.routes: every method uses AWS_IAM (SigV4)
# authorisation and a Lambda proxy integration; the deployment follows the document's hash.

locals {
  routes = {
    for key, route in var.routes : key => merge(route, {
      method = split(" ", key)[0]
      path   = split(" ", key)[1]
      # Execution ARN suffix for the invoke permission: path parameters become "*".
      arn_path = replace(split(" ", key)[1], "/\\{[^/]+\\}/", "*")
    })
  }

  # Written out, not jsonencode()d: $context.error.messageString is substituted already quoted ("Forbidden"), so it
  # must stand without quotes of its own; jsonencode() would quote it a second time.
  error_template = "{\"error\":{\"code\":\"$context.error.responseType\",\"message\":$context.error.messageString,\"details\":[]},\"requestId\":\"$context.requestId\"}"

  openapi = {
    openapi = "3.0.1"
    info    = { title = var.name, version = "1.0" }
    paths = {
      for path in distinct([for route in local.routes : route.path]) : path => {
        for key, route in local.routes : lower(route.method) => {
          security                                = [{ sigv4 = [] }]
          "x-amazon-apigateway-request-validator" = "parameters"
          parameters                              = [for name in regexall("\\{([^/]+)\\}", path) : { name = name[0], in = "path", required = true, schema = { type = "string" } }]
          responses                               = {}
          "x-amazon-apigateway-integration"       = { type = "aws_proxy", httpMethod = "POST", uri = route.invoke_arn, passthroughBehavior = "when_no_match" }
        } if route.path == path
      }
    }
    components = {
      securitySchemes = {
        sigv4 = { type = "apiKey", name = "Authorization", in = "header", "x-amazon-apigateway-authtype" = "awsSigv4" }
      }
    }
    "x-amazon-apigateway-request-validators" = {
      parameters = { validateRequestParameters = true, validateRequestBody = false }
    }
    # Errors API Gateway answers itself (bad signature, unknown route, throttling) use the API's JSON error shape.
    "x-amazon-apigateway-gateway-responses" = {
      for type in ["DEFAULT_4XX", "DEFAULT_5XX"] : type => {
        responseTemplates = { "application/json" = local.error_template }
      }
    }
  }

  # Each route's statement id: "AllowApiGateway<Method><Path>" in CamelCase, cut to fit Lambda's 100 characters, and a
  # hash of the route, its qualifier and its source ARN. Routes that read the same ("GET /a-b", "GET /a/b") or a
  # long path stay apart, and a permission replaced for any reason (another API, another qualifier) has an id of
  # its own, so the new one can be made before the old one is removed.
  statement_names = {
    for key in keys(var.routes) : key => substr("AllowApiGateway${replace(title(lower(replace(key, "/[^A-Za-z0-9]+/", " "))), " ", "")}", 0, 75)
  }

  # Exactly this method and path of this API, in any stage.
  source_arns = {
    for key, route in local.routes : key => "${aws_api_gateway_rest_api.this.execution_arn}/*/${route.method}${route.arn_path}"
  }

  # The name API Gateway gives a stage's execution log group; it cannot be chosen.
  execution_log_group_name = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = var.description
  body        = jsonencode(local.openapi)
  tags        = var.tags

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  triggers = {
    redeployment = sha1(jsonencode(local.openapi))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Retention is a variable (30 days by default, as designed); environments that must keep logs a year set log_retention_days.
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; pass log_kms_key_arn to use a customer-managed key.
  name              = "/aws/apigateway/${var.name}/${var.stage_name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

# API Gateway writes a stage's execution logs to API-Gateway-Execution-Logs_<rest api id>/<stage>, and creates that
# group itself, with no retention, if it does not exist when the stage first logs. Created here first, before the
# stage, it keeps log_retention_days. A stage that logged before this group was managed already has it: import it
# (README, "Execution log group"), or creating it fails with ResourceAlreadyExistsException.
resource "aws_cloudwatch_log_group" "execution" {
  #checkov:skip=CKV_AWS_338:Retention is a variable (30 days by default, as designed); environments that must keep logs a year set log_retention_days.
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; pass log_kms_key_arn to use a customer-managed key.
  count = var.manage_execution_log_group ? 1 : 0

  name              = local.execution_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:Caching would serve stale statistics right after a POST, and costs per hour; the Lambda reads are constant-cost.
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to HTTP back ends; the back ends here are Lambda proxy integrations.
  #checkov:skip=CKV2_AWS_29:Every method requires SigV4 (AWS_IAM) and the stage is throttled; attach a WAF web ACL outside this module where public exposure calls for it.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true
  tags                 = var.tags

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      ip                 = "$context.identity.sourceIp"
      caller             = "$context.identity.caller"
      userArn            = "$context.identity.userArn"
      cognitoIdentityId  = "$context.identity.cognitoIdentityId"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      integrationLatency = "$context.integrationLatency"
      errorMessage       = "$context.error.message"
      xrayTraceId        = "$context.xrayTraceId"
    })
  }

  depends_on = [aws_api_gateway_account.this, aws_cloudwatch_log_group.execution]

  lifecycle {
    precondition {
      condition     = var.manage_account_cloudwatch_role != null
      error_message = "Set manage_account_cloudwatch_role. The stage writes access logs (and execution logs at logging_level ERROR or INFO), which API Gateway accepts only once the account and region have a CloudWatch Logs role: true to create it here (in exactly one stack per account and region), false when the account has it already (`aws apigateway get-account` shows a cloudwatchRoleArn)."
    }
  }
}

resource "aws_api_gateway_method_settings" "this" {
  #checkov:skip=CKV_AWS_225:Caching would serve stale statistics right after a POST, and costs per hour; the Lambda reads are constant-cost.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = var.logging_level
    data_trace_enabled     = false
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }
}

resource "aws_lambda_permission" "this" {
  for_each = local.routes

  statement_id  = "${local.statement_names[each.key]}-${substr(sha256(join(" ", [each.key, coalesce(each.value.qualifier, "-"), local.source_arns[each.key]])), 0, 24)}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  qualifier     = each.value.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = local.source_arns[each.key]

  # The new statement first, then the old one's removal: a route is never without its permission.
  lifecycle {
    create_before_destroy = true
  }
}
