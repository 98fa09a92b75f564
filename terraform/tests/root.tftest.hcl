# The root, planned against a mocked provider: what it derives and wires, without AWS.
# Run with `terraform test` from terraform/ (cargo xtask test does).

mock_provider "aws" {}

variables {
  packages_manifest = "tests/fixtures/packages.json"
}

run "derives_the_visibility_timeout_from_the_consumer" {
  command = plan

  assert {
    condition     = module.sqs.visibility_timeout_seconds == 6 * 30 + 1
    error_message = "The queue's visibility timeout is 6 x the consumer's timeout + its batching window."
  }

  assert {
    condition     = module.lambdas.event_source_mapping_enabled == true
    error_message = "The mapping is on by default (only the emulator turns it off)."
  }
}

run "takes_the_architecture_from_the_packages" {
  command = plan

  assert {
    condition     = module.lambdas.architecture == "arm64"
    error_message = "With no architecture set, the functions use the packages' (arm64 in the fixture)."
  }
}

run "grants_each_function_exactly_its_calls" {
  command = plan

  assert {
    condition     = module.iam.producer_actions == tolist(["dynamodb:GetItem", "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"])
    error_message = "The producer sends to the queue, reads the table and writes its logs; nothing else."
  }

  assert {
    condition = module.iam.consumer_actions == tolist([
      "dynamodb:BatchWriteItem", "logs:CreateLogStream", "logs:PutLogEvents",
      "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage",
    ])
    error_message = "The consumer receives and deletes from the queue, writes the table and its logs; nothing else."
  }
}

run "watches_the_queue_the_functions_and_the_api" {
  command = plan

  assert {
    condition = toset(module.cloudwatch.alarm_names) == toset([
      "books-dead-letters", "books-queue-age", "books-consumer-errors",
      "books-api-5xx", "books-producer-throttles", "books-consumer-throttles",
    ])
    error_message = "One alarm each: DLQ not empty, queue age, consumer errors, API 5xx, throttles of either function."
  }
}
