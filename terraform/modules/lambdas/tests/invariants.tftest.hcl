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

run "refuses_placeholder_packages" {
  command = plan

  variables {
    packages = { architecture = "x86_64", producer = "../../tests/fixtures/placeholder.zip", consumer = "../../tests/fixtures/placeholder.zip", placeholder = true }
  }

  expect_failures = [aws_lambda_function.function]
}

run "accepts_placeholder_packages_when_allowed" {
  command = plan

  variables {
    packages                   = { architecture = "x86_64", producer = "../../tests/fixtures/placeholder.zip", consumer = "../../tests/fixtures/placeholder.zip", placeholder = true }
    allow_placeholder_packages = true
  }

  assert {
    condition     = aws_lambda_function.function["producer"].filename == "../../tests/fixtures/placeholder.zip"
    error_message = "With allow_placeholder_packages, the placeholders deploy (the emulator's case)."
  }
}

run "gives_the_producer_no_idempotency_settings_without_a_table" {
  command = plan

  assert {
    condition     = toset(keys(aws_lambda_function.function["producer"].environment[0].variables)) == toset(["QUEUE_URL", "TABLE_NAME"])
    error_message = "Without idempotency_table_name the producer's environment is what the workshop's steps always had."
  }
}

run "gives_the_producer_the_idempotency_table_and_ttl" {
  command = plan

  variables {
    idempotency_table_name  = "books-idempotency"
    idempotency_ttl_seconds = 3600
  }

  assert {
    condition     = aws_lambda_function.function["producer"].environment[0].variables["IDEMPOTENCY_TABLE_NAME"] == "books-idempotency"
    error_message = "The producer is told its idempotency table."
  }

  assert {
    condition     = aws_lambda_function.function["producer"].environment[0].variables["IDEMPOTENCY_TTL_SECONDS"] == "3600"
    error_message = "The producer is told the TTL in seconds."
  }

  assert {
    condition     = !contains(keys(aws_lambda_function.function["consumer"].environment[0].variables), "IDEMPOTENCY_TABLE_NAME")
    error_message = "The consumer never reads idempotency records."
  }
}

run "keeps_the_start_and_report_lines_by_default" {
  command = plan

  assert {
    condition     = aws_lambda_function.function["consumer"].logging_config[0].system_log_level == "INFO"
    error_message = "System logs at INFO keep START and REPORT (duration, memory, init duration)."
  }
}

run "refuses_an_application_log_level_that_drops_the_metrics" {
  command = plan

  variables {
    log_level = "WARN"
  }

  expect_failures = [var.log_level]
}
