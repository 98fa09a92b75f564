# Step 03: the table, the queue, and one least-privilege role per function.

module "dynamodb" {
  source = "../../../terraform/modules/dynamodb"

  table_name          = "${var.name_prefix}-books"
  deletion_protection = var.table_deletion_protection
}

# ANCHOR: sqs
module "sqs" {
  source = "../../../terraform/modules/sqs"

  name                         = "${var.name_prefix}-books"
  visibility_timeout_seconds   = var.visibility_timeout_seconds
  max_receive_count            = var.max_receive_count
  redrive_allow_policy_enabled = var.dlq_redrive_allow_policy_enabled
}
# ANCHOR_END: sqs

# ANCHOR: data
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}
# ANCHOR_END: data

# ANCHOR: iam
# ANCHOR: task_roles add module "iam" (source "../../../terraform/modules/iam") with name_prefix, the queue's and the table's ARNs from the sqs and dynamodb modules, and producer_log_group_arn and consumer_log_group_arn: arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<name_prefix>-producer (and -consumer), region and account from the two data sources above
# The functions' log groups arrive with the lambdas module in step 04; their names (and so
# their ARNs) are known now.
module "iam" {
  source = "../../../terraform/modules/iam"

  name_prefix            = var.name_prefix
  queue_arn              = module.sqs.queue_arn
  table_arn              = module.dynamodb.table_arn
  producer_log_group_arn = "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name_prefix}-producer"
  consumer_log_group_arn = "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name_prefix}-consumer"
}
# ANCHOR_END: task_roles
# ANCHOR_END: iam
