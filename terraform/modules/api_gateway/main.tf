# An HTTP API in front of the producer. Every route goes to the producer, which routes on
# method and path itself: its own 404 and 405 answers then reach the client.
#
# With a JWT authorizer, every route (the $default route too) needs a token of the issuer,
# with one of the route's scopes: API Gateway answers 401 and 403 itself, so a request
# without one invokes nothing, and the producer reads the caller from the token's claims.

locals {
  routes = ["POST /books", "GET /books/{id}", "$default"]
}

resource "aws_apigatewayv2_api" "books" {
  name          = var.name
  protocol_type = "HTTP"
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "producer" {
  api_id                 = aws_apigatewayv2_api.books.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.producer_invoke_arn
  payload_format_version = "2.0" # the provider's default is 1.0; lambda_http is built with its apigw_http feature alone, which reads 2.0
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  count = var.jwt_authorizer == null ? 0 : 1

  api_id           = aws_apigatewayv2_api.books.id
  name             = "${var.name}-jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_authorizer.issuer
    audience = var.jwt_authorizer.audience
  }
}

resource "aws_apigatewayv2_route" "producer" {
  #checkov:skip=CKV_AWS_309:authorization is the jwt_authorizer variable: JWT on every route of the reference deployment (terraform/), off only in the workshop's chapters 05 and 06, which come before tokens
  for_each = toset(local.routes)

  api_id    = aws_apigatewayv2_api.books.id
  route_key = each.value
  target    = "integrations/${aws_apigatewayv2_integration.producer.id}"

  authorization_type   = var.jwt_authorizer == null ? "NONE" : "JWT"
  authorizer_id        = var.jwt_authorizer == null ? null : aws_apigatewayv2_authorizer.jwt[0].id
  authorization_scopes = var.jwt_authorizer == null || length(var.route_scopes[each.value]) == 0 ? null : var.route_scopes[each.value]
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with service keys; a customer-managed KMS key adds cost and key policy the workshop does not need
  #checkov:skip=CKV_AWS_338:retention is a variable, 14 days by default for cost (CloudWatch bills stored logs per GB-month); raise log_retention_days to 365 where a year is required
  # API Gateway delivers access logs as vended logs, allowed by the account's CloudWatch Logs
  # resource policy, which has a size limit (5,120 characters) and grows with each log group
  # named in it. A group under /aws/vendedlogs/ is covered by one wildcard entry instead.
  name              = "/aws/vendedlogs/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.books.id
  name        = "$default"
  auto_deploy = true
  tags        = var.tags

  # The default route settings: limits for each route on its own (POST /books, GET
  # /books/{id}, $default), not one budget for the API, and targets API Gateway applies on a
  # best-effort basis, under the account's limit per region. Requests the authorizer refuses
  # count too: a throttle is no defence against one noisy caller (see the production chapter).
  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId        = "$context.requestId"
      ip               = "$context.identity.sourceIp"
      requestTime      = "$context.requestTime"
      httpMethod       = "$context.httpMethod"
      routeKey         = "$context.routeKey"
      status           = "$context.status"
      responseLength   = "$context.responseLength"
      integrationError = "$context.integrationErrorMessage"
      latencyMs        = "$context.responseLatency"
    })
  }
}

# Only this API may invoke the producer.
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowInvokeFromApi"
  action        = "lambda:InvokeFunction"
  function_name = var.producer_function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.books.execution_arn}/*"
}
