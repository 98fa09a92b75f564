# A table keyed by a string id: the books (one item per book), and, with a TTL attribute, the
# producer's idempotency records.
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

  # DynamoDB deletes an item once its TTL attribute (a number, epoch seconds) is in the past,
  # without consuming write capacity but only typically within a few days: until then the
  # item is still read, so readers compare the time themselves.
  dynamic "ttl" {
    for_each = var.ttl_attribute == null ? [] : [var.ttl_attribute]

    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  deletion_protection_enabled = var.deletion_protection

  tags = var.tags
}
