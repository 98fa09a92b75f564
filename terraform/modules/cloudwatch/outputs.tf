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
