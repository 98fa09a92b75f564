# The role ARNs wait for the role policies: whatever is given a role (the functions, and
# through the consumer the event source mapping, whose creation checks that the role may read
# the queue) is then created only once the role's permissions exist.
output "producer_role_arn" {
  description = "ARN of the producer's execution role, known only once its policy exists."
  value       = aws_iam_role.function["producer"].arn
  depends_on  = [aws_iam_role_policy.function]
}

output "consumer_role_arn" {
  description = "ARN of the consumer's execution role, known only once its policy exists."
  value       = aws_iam_role.function["consumer"].arn
  depends_on  = [aws_iam_role_policy.function]
}

output "producer_actions" {
  description = "Every action the producer may call (sorted, each once), for tests that compare them with the code."
  value       = sort(distinct(flatten([for statement in local.policies.producer : statement.actions])))
}

output "consumer_actions" {
  description = "Every action the consumer may call (sorted, each once), for tests that compare them with the code."
  value       = sort(distinct(flatten([for statement in local.policies.consumer : statement.actions])))
}
