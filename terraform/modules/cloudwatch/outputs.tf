output "alarm_names" {
  description = "Names of every alarm, for runbooks and tests."
  value       = [for alarm in aws_cloudwatch_metric_alarm.alarm : alarm.alarm_name]
}

output "books_stored_metric" {
  description = "Namespace, name and dimensions of the books-stored metric the consumer writes (embedded metric format)."
  value       = local.books_stored_metric
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.books.dashboard_name
}

output "books_failed_metric" {
  description = "Namespace, name and dimensions of the failed-records metric the consumer writes (embedded metric format), or null when failed_records_alarm_enabled is off."
  value       = var.failed_records_alarm_enabled ? local.books_failed_metric : null
}
