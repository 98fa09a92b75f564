# One role per function, each allowed exactly the calls its code makes, on exactly its resources.

locals {
  # The calls each function's code makes; outputs expose these lists so tests can compare them.
  # The table actions are inputs (their defaults are the workshop steps' calls), because the
  # reference system's code calls others; the queue's and the logs' are the same everywhere.
  producer_queue_actions = ["sqs:SendMessage"]
  consumer_queue_actions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
  # A function writes to its own log group, which Terraform creates (so no logs:CreateLogGroup).
  log_actions = ["logs:CreateLogStream", "logs:PutLogEvents"]

  policies = {
    # A statement with no actions (no idempotency table, as in the workshop's steps) is left out.
    producer = [for statement in [
      { actions = local.producer_queue_actions, resources = [var.queue_arn] },
      { actions = var.producer_table_actions, resources = [var.table_arn] },
      # The idempotency records (final/ only) are the producer's alone.
      { actions = var.idempotency_table_actions, resources = [var.idempotency_table_arn] },
      { actions = local.log_actions, resources = ["${var.producer_log_group_arn}:*"] },
    ] : statement if length(statement.actions) > 0]
    consumer = [
      { actions = local.consumer_queue_actions, resources = [var.queue_arn] },
      { actions = var.consumer_table_actions, resources = [var.table_arn] },
      { actions = local.log_actions, resources = ["${var.consumer_log_group_arn}:*"] },
    ]
  }
}

resource "aws_iam_role" "function" {
  for_each = local.policies

  name = "${var.name_prefix}-${each.key}"
  tags = var.tags

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "function" {
  for_each = local.policies

  name = "${var.name_prefix}-${each.key}"
  role = aws_iam_role.function[each.key].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for statement in each.value : {
      Effect   = "Allow"
      Action   = statement.actions
      Resource = statement.resources
    }]
  })
}
