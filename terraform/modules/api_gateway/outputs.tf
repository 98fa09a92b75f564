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
