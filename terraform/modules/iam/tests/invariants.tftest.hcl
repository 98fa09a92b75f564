# The iam module grants named DynamoDB actions only, and the idempotency table to the producer
# alone. Run with `terraform test` from this module's directory (cargo xtask test does).

mock_provider "aws" {}

variables {
  name_prefix            = "test"
  queue_arn              = "arn:aws:sqs:us-east-1:123456789012:books"
  table_arn              = "arn:aws:dynamodb:us-east-1:123456789012:table/books"
  producer_log_group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/test-producer"
  consumer_log_group_arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/test-consumer"
}

run "grants_the_steps_calls_by_default" {
  command = plan

  assert {
    condition     = contains(output.producer_actions, "dynamodb:GetItem") && contains(output.consumer_actions, "dynamodb:BatchWriteItem")
    error_message = "Without table actions given, the roles get the workshop steps' calls."
  }

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.function["producer"].policy).Statement) == 3
    error_message = "Without an idempotency table the producer has its three statements: queue, table, logs."
  }
}

run "gives_the_idempotency_table_to_the_producer_alone" {
  command = plan

  variables {
    idempotency_table_arn     = "arn:aws:dynamodb:us-east-1:123456789012:table/books-idempotency"
    idempotency_table_actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
  }

  assert {
    condition = contains(
      [for statement in jsondecode(aws_iam_role_policy.function["producer"].policy).Statement : statement.Resource],
      ["arn:aws:dynamodb:us-east-1:123456789012:table/books-idempotency"],
    )
    error_message = "The producer has a statement on the idempotency table."
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.function["consumer"].policy, "books-idempotency")
    error_message = "The consumer's policy does not name the idempotency table."
  }

  assert {
    condition     = length([for action in output.producer_actions : action if action == "dynamodb:GetItem"]) == 1
    error_message = "producer_actions names each action once, though GetItem is granted on both tables."
  }
}

run "refuses_a_wildcard_action" {
  command = plan

  variables {
    consumer_table_actions = ["dynamodb:*"]
  }

  expect_failures = [var.consumer_table_actions]
}

run "refuses_another_services_action" {
  command = plan

  variables {
    producer_table_actions = ["s3:GetObject"]
  }

  expect_failures = [var.producer_table_actions]
}

run "refuses_idempotency_actions_without_a_table" {
  command = plan

  variables {
    idempotency_table_actions = ["dynamodb:GetItem"]
  }

  expect_failures = [var.idempotency_table_actions]
}
