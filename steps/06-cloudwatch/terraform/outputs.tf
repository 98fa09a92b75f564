output "api_url" {
  description = "Base URL of the HTTP API: POST /books, GET /books/{id}."
  value       = module.api_gateway.api_url
}

output "table_name" {
  description = "Name of the books table."
  value       = module.dynamodb.table_name
}

output "queue_url" {
  description = "URL of the books queue."
  value       = module.sqs.queue_url
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = module.sqs.dead_letter_queue_url
}

output "producer_actions" {
  description = "Every action the producer's role allows (compared with the code by tests/plan.rs)."
  value       = module.iam.producer_actions
}

output "consumer_actions" {
  description = "Every action the consumer's role allows (compared with the code by tests/plan.rs)."
  value       = module.iam.consumer_actions
}

output "producer_function_name" {
  description = "Name of the producer function."
  value       = module.lambdas.producer_function_name
}

output "consumer_function_name" {
  description = "Name of the consumer function."
  value       = module.lambdas.consumer_function_name
}

# What the local runner needs to behave like the deployed functions and mapping.
output "local_runner_settings" {
  description = "Timeouts and batching of the deployed functions, for the local runner's environment."
  value = {
    PRODUCER_TIMEOUT_SECONDS         = var.producer_timeout_seconds
    CONSUMER_TIMEOUT_SECONDS         = var.consumer_timeout_seconds
    CONSUMER_BATCH_SIZE              = var.consumer_batch_size
    CONSUMER_BATCHING_WINDOW_SECONDS = var.consumer_batching_window_seconds
  }
}

# ANCHOR: task_alarms_outputs add the outputs alarm_names, dashboard_name and books_stored_metric: the cloudwatch module's outputs of the same names (tests/plan.rs reads books_stored_metric)
output "alarm_names" {
  description = "Names of the alarms on the DLQ, the queue's age, errors, throttles and 5xx."
  value       = module.cloudwatch.alarm_names
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = module.cloudwatch.dashboard_name
}

output "books_stored_metric" {
  description = "The metric the consumer writes in embedded metric format (compared with the code by tests/plan.rs)."
  value       = module.cloudwatch.books_stored_metric
}
# ANCHOR_END: task_alarms_outputs
