output "queue_url" {
  description = "URL of the books queue, for the producer's QUEUE_URL."
  value       = aws_sqs_queue.books.url
}

output "queue_arn" {
  description = "ARN of the books queue, for IAM policies and the event source mapping."
  value       = aws_sqs_queue.books.arn
}

output "queue_name" {
  description = "Name of the books queue, for CloudWatch metrics."
  value       = aws_sqs_queue.books.name
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue, to inspect and redrive failed messages."
  value       = aws_sqs_queue.dead_letter.url
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.arn
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue, for CloudWatch alarms."
  value       = aws_sqs_queue.dead_letter.name
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the books queue, for the consumer's event source mapping checks."
  value       = aws_sqs_queue.books.visibility_timeout_seconds
}

output "max_receive_count" {
  description = "Receives after which a failing message moves to the dead-letter queue (the redrive policy's maxReceiveCount)."
  value       = var.max_receive_count
}
