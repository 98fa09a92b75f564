# One role per function, each allowed exactly the calls its code makes, on exactly its resources.

locals {
  # The calls each function's code makes; outputs expose these lists so tests can compare them.
  producer_queue_actions = ["sqs:SendMessage"]
  producer_table_actions = ["dynamodb:GetItem"]
  consumer_queue_actions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
  consumer_table_actions = ["dynamodb:BatchWriteItem"]
  # A function writes to its own log group, which Terraform creates (so no logs:CreateLogGroup).
  log_actions = ["logs:CreateLogStream", "logs:PutLogEvents"]

  policies = {
    producer = [
      { actions = local.producer_queue_actions, resources = [var.queue_arn] },
      { actions = local.producer_table_actions, resources = [var.table_arn] },
      { actions = local.log_actions, resources = ["${var.producer_log_group_arn}:*"] },
    ]
    consumer = [
      { actions = local.consumer_queue_actions, resources = [var.queue_arn] },
      { actions = local.consumer_table_actions, resources = [var.table_arn] },
      { actions = local.log_actions, resources = ["${var.consumer_log_group_arn}:*"] },
    ]
  }
}

resource "aws_iam_role" "function" {
  # Keyed by a literal set, not by local.policies: the policies name the functions' log
  # groups, which depend on these roles through the functions.
  for_each = toset(["producer", "consumer"])

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
