output "table_name" {
  description = "Name of the books table."
  value       = module.dynamodb.table_name
}
