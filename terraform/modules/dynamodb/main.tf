# The books table: one item per book, keyed by its id.
resource "aws_dynamodb_table" "books" {
  #checkov:skip=CKV_AWS_119:encrypted with the AWS-managed KMS key (aws/dynamodb); a customer-managed key adds cost and a key policy without a requirement for it
  name         = var.table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  # Encrypted at rest with the AWS-managed KMS key (aws/dynamodb), auditable in CloudTrail.
  server_side_encryption {
    enabled = true
  }

  deletion_protection_enabled = var.deletion_protection

  tags = var.tags
}
