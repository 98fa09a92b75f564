# The producer and consumer functions, their log groups, and the queue's event source mapping.

locals {
  functions = {
    producer = {
      package     = var.packages.producer
      role_arn    = var.producer_role_arn
      memory_size = var.producer_memory_mb
      timeout     = var.producer_timeout_seconds
      # The idempotency settings only when a table is given, so a configuration without
      # one (the workshop's steps) deploys the environment it always had.
      environment = merge(
        { QUEUE_URL = var.queue_url, TABLE_NAME = var.table_name },
        var.idempotency_table_name == null ? {} : {
          IDEMPOTENCY_TABLE_NAME  = var.idempotency_table_name
          IDEMPOTENCY_TTL_SECONDS = tostring(var.idempotency_ttl_seconds)
        },
      )
    }
    consumer = {
      package     = var.packages.consumer
      role_arn    = var.consumer_role_arn
      memory_size = var.consumer_memory_mb
      timeout     = var.consumer_timeout_seconds
      environment = { TABLE_NAME = var.table_name }
    }
  }
}

# Created before its function: otherwise Lambda creates the group on the first invocation,
# with no retention, and Terraform then fails to create it. Named as Lambda names a function's
# group, /aws/lambda/<function name>, so that its ARN is known before it exists: the roles are
# granted it from that name (chapter 03), and nothing here feeds back into the iam module.
resource "aws_cloudwatch_log_group" "function" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with service keys; a customer-managed KMS key adds cost and key policy the workshop does not need
  #checkov:skip=CKV_AWS_338:retention is a variable, 14 days by default for cost (CloudWatch bills stored logs per GB-month); raise log_retention_days to 365 where a year is required
  for_each = local.functions

  name              = "/aws/lambda/${var.name_prefix}-${each.key}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "function" {
  #checkov:skip=CKV_AWS_116:a function DLQ catches failed asynchronous invocations only; these run synchronously (API Gateway) or from SQS, whose own DLQ holds failed messages
  #checkov:skip=CKV_AWS_117:the functions reach only public AWS endpoints; a VPC would add NAT or endpoint costs and nothing to protect
  #checkov:skip=CKV_AWS_115:concurrency is bounded where it matters: the event source mapping's maximum_concurrency for the consumer, the API's throttling for the producer
  #checkov:skip=CKV_AWS_272:code signing needs a signing profile the workshop does not manage; packages come from this repository's own build
  #checkov:skip=CKV_AWS_173:the environment holds resource names only, no secrets; Lambda encrypts it at rest with the AWS-managed key
  #checkov:skip=CKV_AWS_50:active X-Ray tracing needs xray:PutTraceSegments on Resource "*" (X-Ray has no resource-level permissions), against this system's no-wildcard IAM; tracing is a documented next step
  for_each = local.functions

  function_name    = "${var.name_prefix}-${each.key}"
  role             = each.value.role_arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.architecture]
  filename         = each.value.package
  source_code_hash = filebase64sha256(each.value.package)
  memory_size      = each.value.memory_size
  timeout          = each.value.timeout
  tags             = var.tags

  environment {
    variables = each.value.environment
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function[each.key].name
    application_log_level = var.log_level
    system_log_level      = var.system_log_level
  }

  lifecycle {
    precondition {
      condition     = !var.packages.placeholder || var.allow_placeholder_packages
      error_message = "The packages are placeholders (a script that exits 1, written so the local emulator has something to store), not the functions: build them with `cargo xtask package`, or set allow_placeholder_packages = true where nothing runs them (the emulator)."
    }
  }
}

resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn                   = var.queue_arn
  function_name                      = aws_lambda_function.function["consumer"].arn
  batch_size                         = var.consumer_batch_size
  maximum_batching_window_in_seconds = var.consumer_batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]
  enabled                            = var.event_source_mapping_enabled

  scaling_config {
    maximum_concurrency = var.consumer_max_concurrency
  }
}
