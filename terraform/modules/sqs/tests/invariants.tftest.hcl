# The sqs module keeps dead letters longer than live messages.
# Run with `terraform test` from this module's directory (cargo xtask test does).

mock_provider "aws" {}

variables {
  name                       = "books"
  visibility_timeout_seconds = 181
}

run "keeps_dead_letters_fourteen_days" {
  command = plan

  assert {
    condition     = aws_sqs_queue.dead_letter.message_retention_seconds == 1209600
    error_message = "The DLQ keeps messages 14 days."
  }

  assert {
    condition     = aws_sqs_queue.books.visibility_timeout_seconds == 181
    error_message = "The queue takes its visibility timeout from the input."
  }
}

run "refuses_a_dlq_that_keeps_messages_less_long_than_the_queue" {
  command = plan

  variables {
    message_retention_seconds     = 1209600
    dead_letter_retention_seconds = 1209600
  }

  expect_failures = [var.dead_letter_retention_seconds]
}

# Applied against the mock, so the DLQ's ARN, and with it the redrive policy, is known.
run "dead_letters_after_five_receives_by_default" {
  command = apply

  assert {
    condition     = jsondecode(aws_sqs_queue.books.redrive_policy).maxReceiveCount == 5
    error_message = "maxReceiveCount is 5 by default, AWS's floor for a Lambda event source (throttled receives count too)."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.books.redrive_policy).deadLetterTargetArn == aws_sqs_queue.dead_letter.arn
    error_message = "Failing messages move to this module's DLQ."
  }
}
