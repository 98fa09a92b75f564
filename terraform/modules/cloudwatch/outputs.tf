output "alarm_names" {
  description = "Names of every alarm, for runbooks and tests."
  value = concat(
    [aws_cloudwatch_metric_alarm.dead_letters.alarm_name, aws_cloudwatch_metric_alarm.queue_age.alarm_name, aws_cloudwatch_metric_alarm.api_5xx.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.function : alarm.alarm_name],
  )
}

output "books_stored_metric" {
  description = "Namespace and name of the books-stored metric."
  value       = { namespace = local.metric_namespace, name = "BooksStored" }
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.books.dashboard_name
}
