# The lambdas module refuses configurations that would misbehave on AWS.
# Run with `terraform test` from this module's directory (cargo xtask test does).

mock_provider "aws" {}

variables {
  name_prefix                      = "test"
  architecture                     = "x86_64"
  packages                         = { architecture = "x86_64", producer = "../../tests/fixtures/placeholder.zip", consumer = "../../tests/fixtures/placeholder.zip" }
  producer_role_arn                = "arn:aws:iam::123456789012:role/producer"
  consumer_role_arn                = "arn:aws:iam::123456789012:role/consumer"
  table_name                       = "books"
  queue_url                        = "https://sqs.us-east-1.amazonaws.com/123456789012/books"
  queue_arn                        = "arn:aws:sqs:us-east-1:123456789012:books"
  consumer_timeout_seconds         = 30
  consumer_batching_window_seconds = 1
  queue_visibility_timeout_seconds = 181
}

run "accepts_a_consistent_configuration" {
  command = plan

  assert {
    condition     = aws_lambda_event_source_mapping.queue.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The consumer reports partial batch failures."
  }

  assert {
    condition     = aws_cloudwatch_log_group.function["consumer"].retention_in_days == 14
    error_message = "Logs are kept 14 days by default."
  }
}

run "refuses_a_visibility_timeout_below_six_times_the_consumer_timeout" {
  command = plan

  variables {
    queue_visibility_timeout_seconds = 180 # 6 x 30 + 1 would be 181
  }

  expect_failures = [var.queue_visibility_timeout_seconds]
}

run "refuses_packages_built_for_another_architecture" {
  command = plan

  variables {
    architecture = "arm64"
  }

  expect_failures = [var.architecture]
}

run "refuses_a_large_batch_without_a_batching_window" {
  command = plan

  variables {
    consumer_batch_size              = 100
    consumer_batching_window_seconds = 0
    queue_visibility_timeout_seconds = 180
  }

  expect_failures = [var.consumer_batching_window_seconds]
}

run "refuses_a_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}
