output "table_name" {
  description = "Name of the table, for the functions' environment (TABLE_NAME, IDEMPOTENCY_TABLE_NAME)."
  value       = aws_dynamodb_table.books.name
}

output "table_arn" {
  description = "ARN of the table, for IAM policies."
  value       = aws_dynamodb_table.books.arn
}

output "ttl_attribute" {
  description = "Attribute whose epoch seconds expire an item (the table's TTL), or null when TTL is off."
  value       = one([for ttl in aws_dynamodb_table.books.ttl : ttl.attribute_name if ttl.enabled])
}
