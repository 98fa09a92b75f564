# The root, planned against a mocked provider: what it derives and wires, without AWS.
# Run with `terraform test` from terraform/ (cargo xtask test does).
#
# Which IAM actions each function gets is not typed out here: a test of final/ compares the
# plan's actions with the lists its code declares next to each call.

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

run "dead_letters_after_five_receives_by_default" {
  command = plan

  assert {
    condition     = module.sqs.max_receive_count == 5
    error_message = "maxReceiveCount is 5 by default, AWS's floor for a Lambda event source (throttled receives count too)."
  }
}

run "keeps_the_idempotency_records_in_their_own_table_for_the_producer" {
  command = plan

  assert {
    condition     = module.idempotency_table.table_name == "books-idempotency"
    error_message = "The idempotency records have their own table, named after the prefix."
  }

  assert {
    condition     = module.idempotency_table.ttl_attribute == "expires_at"
    error_message = "DynamoDB expires idempotency records by their expires_at attribute (TTL)."
  }

  assert {
    condition     = module.dynamodb.ttl_attribute == null
    error_message = "The books table keeps its items: no TTL."
  }

  assert {
    condition     = output.idempotency_table_name == module.idempotency_table.table_name
    error_message = "The root names the idempotency table in its outputs, for the local runner."
  }

  assert {
    condition     = contains(module.lambdas.producer_environment_names, "IDEMPOTENCY_TABLE_NAME") && contains(module.lambdas.producer_environment_names, "IDEMPOTENCY_TTL_SECONDS")
    error_message = "The producer is told the idempotency table and the TTL."
  }

  assert {
    condition     = output.local_runner_settings.IDEMPOTENCY_TTL_SECONDS == 24 * 3600
    error_message = "Keys are replayed for 24 hours by default, and the local runner is told so."
  }

  # Only the producer reads and writes idempotency records, and nothing deletes one but its TTL.
  assert {
    condition     = contains(module.iam.producer_actions, "dynamodb:GetItem") && !contains(module.iam.producer_actions, "dynamodb:DeleteItem") && !contains(module.iam.consumer_actions, "dynamodb:GetItem")
    error_message = "The idempotency table's actions are the producer's alone, and none deletes a record."
  }
}

run "refuses_an_idempotency_ttl_beyond_thirty_days" {
  command = plan

  variables {
    idempotency_ttl_hours = 721
  }

  expect_failures = [var.idempotency_ttl_hours]
}

# Terraform cannot expect a failure from a resource inside a module (only from the root's
# own checkable objects), so the refusal itself is proven in modules/lambdas/tests; here, that
# the root reads the manifest's flag and passes allow_placeholder_packages on.
run "accepts_placeholder_packages_only_when_allowed" {
  command = plan

  variables {
    packages_manifest          = "tests/fixtures/placeholder-packages.json"
    allow_placeholder_packages = true
  }

  assert {
    condition     = module.lambdas.placeholder_packages == true
    error_message = "The root reads \"placeholder\": true from the manifest into the packages."
  }
}

run "reads_real_packages_as_no_placeholder" {
  command = plan

  assert {
    condition     = module.lambdas.placeholder_packages == false
    error_message = "A manifest without \"placeholder\" (what `cargo xtask package` writes) is the real thing."
  }
}

run "gives_the_api_url_without_a_trailing_slash" {
  command = plan

  # The $default stage's invoke_url, as AWS reports it: with a trailing slash.
  override_resource {
    target          = module.api_gateway.aws_apigatewayv2_stage.default
    override_during = plan
    values = {
      invoke_url = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/"
    }
  }

  assert {
    condition     = output.api_url == "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
    error_message = "api_url has no trailing slash, so \"$api_url/books\" is the route (not \"//books\")."
  }
}

run "watches_the_queue_the_functions_and_the_api" {
  command = plan

  assert {
    condition = toset(module.cloudwatch.alarm_names) == toset([
      "books-dead-letters", "books-queue-age", "books-consumer-errors", "books-consumer-failed-records",
      "books-api-5xx", "books-producer-throttles", "books-consumer-throttles",
    ])
    error_message = "One alarm each: DLQ not empty, queue age, consumer errors, records the consumer failed, API 5xx, throttles of either function."
  }
}

run "puts_every_route_behind_the_user_pools_tokens_by_default" {
  command = plan

  override_resource {
    target          = module.identity[0].aws_cognito_user_pool.books
    override_during = plan
    values = {
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Example"
      arn      = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Example"
    }
  }

  assert {
    condition     = length(module.identity) == 1 && module.api_gateway.jwt_authorizer.issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example"
    error_message = "Without jwt_issuer the root creates a user pool and the API trusts its issuer."
  }

  assert {
    condition     = jsonencode(module.api_gateway.jwt_authorizer.route_scopes) == jsonencode({ "POST /books" = ["books/write"], "GET /books/{id}" = ["books/read"], "$default" = ["books/read", "books/write"] })
    error_message = "POST needs books/write, GET books/read, $default either (so an ID token, with no scope, reaches nothing): the user pool's scopes."
  }

  assert {
    condition     = output.token_url == "https://books-${data.aws_caller_identity.current.account_id}.auth.us-east-1.amazoncognito.com/oauth2/token"
    error_message = "The token URL is the pool's domain in its region."
  }
}

run "trusts_another_issuer_when_told" {
  command = plan

  variables {
    jwt_issuer       = "https://example.eu.auth0.com/"
    jwt_audience     = ["https://books.example.com"]
    api_route_scopes = { "POST /books" = ["books:write"], "GET /books/{id}" = ["books:read"], "$default" = [] }
  }

  assert {
    condition     = length(module.identity) == 0 && module.api_gateway.jwt_authorizer.audience == tolist(["https://books.example.com"])
    error_message = "With jwt_issuer there is no user pool, and the authorizer takes the given audience."
  }

  assert {
    condition     = module.api_gateway.jwt_authorizer.route_scopes["POST /books"] == tolist(["books:write"])
    error_message = "The routes ask for the provider's own scope names."
  }
}

run "refuses_an_issuer_without_an_audience" {
  command = plan

  variables {
    jwt_issuer = "https://example.eu.auth0.com/"
  }

  expect_failures = [var.jwt_audience]
}

# The roles are granted the log groups by name, before those exist (main.tf says why): the
# names granted must be the ones the lambdas module creates and the functions log to.
run "grants_each_role_the_log_group_its_function_logs_to" {
  command = plan

  assert {
    condition = alltrue([
      for function in ["producer", "consumer"] :
      endswith(local.log_group_arns[function], ":log-group:${module.lambdas["${function}_log_group_name"]}")
    ])
    error_message = "Each role is granted the log group the lambdas module creates for its function."
  }
}

# final/tests/iam.rs reads these from the plan: they must be known before apply.
run "plans_the_granted_actions_as_known_values" {
  command = plan

  assert {
    condition     = length(output.producer_actions) > 0 && length(output.consumer_actions) > 0
    error_message = "The actions each role grants are known at plan time, for the test that compares them with the code."
  }
}

# deployer-policy.json.tftpl, the policy a person or CI role needs to plan, apply and destroy
# this root: it renders to JSON, every action named, every statement scoped where IAM allows.
run "renders_the_deployer_policy_as_json" {
  command = plan

  module {
    source = "./tests/deployer_policy"
  }

  variables {
    name_prefix = "books-prod"
    region      = "eu-west-1"
    account_id  = "123456789012"
  }

  assert {
    condition     = output.policy.Version == "2012-10-17" && length(output.policy.Statement) > 0
    error_message = "The template renders to an IAM policy document."
  }

  assert {
    condition = alltrue([
      for statement in output.policy.Statement : alltrue([
        for action in flatten([statement.Action]) : can(regex("^[a-z0-9-]+:[A-Za-z]+$", action))
      ])
    ])
    error_message = "Every action is named: no wildcard."
  }

  assert {
    condition = alltrue([
      for statement in output.policy.Statement : statement.Resource != "*" || can(statement.Condition) || contains(["DescribeLogGroupsHasNoResourceLevelPermissions", "ApiAccessLogDeliveryHasNoResourceLevelPermissions", "DescribeUserPoolDomainHasNoResourceLevelPermissions"], statement.Sid)
    ])
    error_message = "Resource \"*\" only where the actions have no resource-level permissions, or with a condition."
  }

  assert {
    condition     = strcontains(jsonencode(output.policy), "arn:aws:dynamodb:eu-west-1:123456789012:table/books-prod-*")
    error_message = "Statements are scoped by the prefix, region and account."
  }
}
