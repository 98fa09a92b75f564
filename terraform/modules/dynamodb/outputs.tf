output "table_name" {
  description = "Name of the books table, for the functions' TABLE_NAME."
  value       = aws_dynamodb_table.books.name
}

output "table_arn" {
  description = "ARN of the books table, for IAM policies."
  value       = aws_dynamodb_table.books.arn
}
