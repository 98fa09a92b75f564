# Step 02: the books table, and the queue (with its dead-letter queue) in front of it.

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
