output "producer_function_name" {
  description = "Name of the producer function."
  value       = aws_lambda_function.function["producer"].function_name
}

output "producer_function_arn" {
  description = "ARN of the producer function."
  value       = aws_lambda_function.function["producer"].arn
}

output "producer_invoke_arn" {
  description = "Invoke ARN of the producer, for the API Gateway integration."
  value       = aws_lambda_function.function["producer"].invoke_arn
}

output "consumer_function_name" {
  description = "Name of the consumer function."
  value       = aws_lambda_function.function["consumer"].function_name
}

output "producer_log_group_arn" {
  description = "ARN of the producer's log group."
  value       = aws_cloudwatch_log_group.function["producer"].arn
}

output "consumer_log_group_arn" {
  description = "ARN of the consumer's log group."
  value       = aws_cloudwatch_log_group.function["consumer"].arn
}

output "producer_log_group_name" {
  description = "Name of the producer's log group."
  value       = aws_cloudwatch_log_group.function["producer"].name
}

output "consumer_log_group_name" {
  description = "Name of the consumer's log group."
  value       = aws_cloudwatch_log_group.function["consumer"].name
}

output "event_source_mapping_uuid" {
  description = "Id of the queue's event source mapping."
  value       = aws_lambda_event_source_mapping.queue.uuid
}

output "architecture" {
  description = "Instruction set of both functions."
  value       = aws_lambda_function.function["producer"].architectures[0]
}

output "event_source_mapping_enabled" {
  description = "Whether the queue delivers to the consumer (off against the local emulator)."
  value       = aws_lambda_event_source_mapping.queue.enabled
}

output "placeholder_packages" {
  description = "Whether the functions were given placeholder packages (allowed only with allow_placeholder_packages)."
  value       = var.packages.placeholder
}

output "producer_environment_names" {
  description = "Names of the producer's environment variables (not their values), for tests of what a configuration hands it."
  value       = sort(keys(local.functions.producer.environment))
}
