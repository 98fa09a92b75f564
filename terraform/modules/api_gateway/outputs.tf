output "api_url" {
  description = "Base URL of the API (the $default stage), without a trailing slash, so that \"$api_url/books\" is the books route."
  # The $default stage's invoke_url ends in "/" (https://<id>.execute-api.<region>.amazonaws.com/).
  value = trimsuffix(aws_apigatewayv2_stage.default.invoke_url, "/")
}

output "api_id" {
  description = "Id of the HTTP API, for CloudWatch metrics."
  value       = aws_apigatewayv2_api.books.id
}

output "access_log_group_name" {
  description = "Name of the access log group."
  value       = aws_cloudwatch_log_group.access.name
}

output "jwt_authorizer" {
  description = "What the API's JWT authorizer checks (issuer, audience, and the scopes of each route), or null when the API is public: what the local runner's front checks in its place."
  value       = var.jwt_authorizer == null ? null : merge(var.jwt_authorizer, { route_scopes = var.route_scopes })
}
