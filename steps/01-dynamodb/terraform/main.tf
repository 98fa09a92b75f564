# Step 01: the books table, and nothing else yet.

# ANCHOR: dynamodb
module "dynamodb" {
  source = "../../../terraform/modules/dynamodb"

  table_name          = "${var.name_prefix}-books"
  deletion_protection = var.table_deletion_protection
}
# ANCHOR_END: dynamodb
