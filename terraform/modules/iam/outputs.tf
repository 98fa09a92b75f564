output "producer_role_arn" {
  description = "ARN of the producer's execution role."
  value       = aws_iam_role.function["producer"].arn
}

output "consumer_role_arn" {
  description = "ARN of the consumer's execution role."
  value       = aws_iam_role.function["consumer"].arn
}

output "producer_actions" {
  description = "Every action the producer may call, for tests that compare them with the code."
  value       = sort(flatten([for statement in local.policies.producer : statement.actions]))
}

output "consumer_actions" {
  description = "Every action the consumer may call, for tests that compare them with the code."
  value       = sort(flatten([for statement in local.policies.consumer : statement.actions]))
}
