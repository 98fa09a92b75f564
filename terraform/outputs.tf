output "api_url" {
  description = "Base URL of the API, without a trailing slash: POST \"$api_url/books\", GET \"$api_url/books/<id>\"."
  value       = module.api_gateway.api_url
}

output "token_url" {
  description = "The user pool's OAuth 2.0 token endpoint, where a client trades its id and secret for an access token (client credentials grant); null with jwt_issuer."
  value       = var.jwt_issuer == null ? module.identity[0].token_url : null
}

output "api_client_ids" {
  description = "Id of each of the user pool's clients, by name; empty with jwt_issuer."
  value       = var.jwt_issuer == null ? module.identity[0].client_ids : {}
}

output "api_client_secrets" {
  description = "Secret of each of the user pool's clients, by name (terraform output -json api_client_secrets); empty with jwt_issuer."
  value       = var.jwt_issuer == null ? module.identity[0].client_secrets : {}
  sensitive   = true
}

output "queue_url" {
  description = "URL of the books queue."
  value       = module.sqs.queue_url
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = module.sqs.dead_letter_queue_url
}

output "producer_function_name" {
  description = "Name of the producer function (for `aws logs tail /aws/lambda/<name>`)."
  value       = module.lambdas.producer_function_name
}

output "consumer_function_name" {
  description = "Name of the consumer function."
  value       = module.lambdas.consumer_function_name
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = module.cloudwatch.dashboard_name
}

output "table_name" {
  description = "Name of the books table."
  value       = module.dynamodb.table_name
}

output "idempotency_table_name" {
  description = "Name of the producer's idempotency table (its IDEMPOTENCY_TABLE_NAME)."
  value       = module.idempotency_table.table_name
}

output "producer_actions" {
  description = "Every IAM action the producer's role grants (sorted, each once), for final/'s test that compares them with its code."
  value       = module.iam.producer_actions
}

output "consumer_actions" {
  description = "Every IAM action the consumer's role grants (sorted, each once), for final/'s test that compares them with its code."
  value       = module.iam.consumer_actions
}

# What the local runner needs to behave like the deployed functions and mapping.
output "local_runner_settings" {
  description = "Timeouts and batching of the deployed functions, for the local runner's environment."
  value = {
    PRODUCER_TIMEOUT_SECONDS         = var.producer_timeout_seconds
    CONSUMER_TIMEOUT_SECONDS         = var.consumer_timeout_seconds
    CONSUMER_BATCH_SIZE              = var.consumer_batch_size
    CONSUMER_BATCHING_WINDOW_SECONDS = var.consumer_batching_window_seconds
    IDEMPOTENCY_TTL_SECONDS          = var.idempotency_ttl_hours * 3600
    # What the API's JWT authorizer checks: the local front checks the same (tokens from
    # `cargo xtask token`).
    LOCAL_JWT_AUTHORIZER = jsonencode(module.api_gateway.jwt_authorizer)
  }
}
