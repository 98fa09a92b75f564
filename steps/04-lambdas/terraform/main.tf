# Step 04: the table, the queue, the roles, and the two functions with the consumer's event
# source mapping.

locals {
  # Written by `cargo xtask package --step 04`: the zips and the architecture they were built for.
  packages_manifest = coalesce(var.packages_manifest, "${path.root}/../../../target/lambda/step04-lambdas/packages.json")
  built             = jsondecode(file(local.packages_manifest))
  packages = {
    architecture = local.built.architecture
    producer     = "${dirname(local.packages_manifest)}/${local.built.producer}"
    consumer     = "${dirname(local.packages_manifest)}/${local.built.consumer}"
  }
}

module "dynamodb" {
  source = "../../../terraform/modules/dynamodb"

  table_name          = "${var.name_prefix}-books"
  deletion_protection = var.table_deletion_protection
}

# ANCHOR: sqs
module "sqs" {
  source = "../../../terraform/modules/sqs"

  name = "${var.name_prefix}-books"
  # AWS's guidance for a Lambda event source: six times the function's timeout, plus the
  # time a batch may wait to fill.
  visibility_timeout_seconds   = 6 * var.consumer_timeout_seconds + var.consumer_batching_window_seconds
  max_receive_count            = var.max_receive_count
  redrive_allow_policy_enabled = var.dlq_redrive_allow_policy_enabled
}
# ANCHOR_END: sqs

# ANCHOR: data
data "aws_caller_identity" "current" {}

data "aws_region" "current" {}
# ANCHOR_END: data

# ANCHOR: iam
# The lambdas module creates the functions' log groups under the names Lambda gives them, so
# their ARNs are known before they exist, as in step 03: the roles need nothing from the
# lambdas module, which needs the roles.
module "iam" {
  source = "../../../terraform/modules/iam"

  name_prefix            = var.name_prefix
  queue_arn              = module.sqs.queue_arn
  table_arn              = module.dynamodb.table_arn
  producer_log_group_arn = "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name_prefix}-producer"
  consumer_log_group_arn = "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name_prefix}-consumer"
}
# ANCHOR_END: iam

# ANCHOR: lambdas
module "lambdas" {
  source = "../../../terraform/modules/lambdas"

  name_prefix                      = var.name_prefix
  architecture                     = local.packages.architecture
  packages                         = local.packages
  queue_visibility_timeout_seconds = module.sqs.visibility_timeout_seconds
  producer_role_arn                = module.iam.producer_role_arn
  consumer_role_arn                = module.iam.consumer_role_arn
  producer_timeout_seconds         = var.producer_timeout_seconds
  consumer_timeout_seconds         = var.consumer_timeout_seconds
  table_name                       = module.dynamodb.table_name
  queue_url                        = module.sqs.queue_url
  queue_arn                        = module.sqs.queue_arn
  consumer_batch_size              = var.consumer_batch_size
  consumer_batching_window_seconds = var.consumer_batching_window_seconds
  event_source_mapping_enabled     = var.event_source_mapping_enabled
}
# ANCHOR_END: lambdas
