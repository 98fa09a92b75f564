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

# ANCHOR: task_roles_outputs add the outputs producer_actions and consumer_actions: the iam module's outputs of the same names (tests/iam.rs reads them from the plan)
output "producer_actions" {
  description = "Every action the producer's role allows (compared with the code by tests/iam.rs)."
  value       = module.iam.producer_actions
}

output "consumer_actions" {
  description = "Every action the consumer's role allows (compared with the code by tests/iam.rs)."
  value       = module.iam.consumer_actions
}
# ANCHOR_END: task_roles_outputs
