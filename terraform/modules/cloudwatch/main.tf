# The monitoring layer: alarms on what means "books are not getting through", a metric of
# books stored (from the consumer's JSON logs), and one dashboard. It reads names only, so it
# depends on no other module's resources.

locals {
  # The consumer logs `{"fields":{"message":"batch done","stored":N,…}}` after every batch.
  books_stored_pattern = "{ $.fields.message = \"batch done\" }"
  metric_namespace     = "${var.name_prefix}/Books"

  function_alarms = merge(
    {
      consumer_errors = {
        description = "The consumer failed invocations: records are being retried and may reach the DLQ."
        function    = var.consumer_function_name
        metric      = "Errors"
      }
    },
    { for key, name in { producer = var.producer_function_name, consumer = var.consumer_function_name } :
      "${key}_throttles" => {
        description = "The ${key} is throttled: raise its reserved or account concurrency."
        function    = name
        metric      = "Throttles"
      }
    }
  )
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${var.name_prefix}-dead-letters"
  alarm_description   = "Messages reached the DLQ: inspect them, fix the cause, redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = var.dead_letter_queue_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "queue_age" {
  alarm_name          = "${var.name_prefix}-queue-age"
  alarm_description   = "Books wait in the queue longer than ${var.max_queue_age_seconds} s: the consumer is failing or cannot keep up."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = var.queue_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.max_queue_age_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "function" {
  for_each = local.function_alarms

  alarm_name          = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  alarm_description   = each.value.description
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = each.value.function }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.name_prefix}-api-5xx"
  alarm_description   = "The API answers 5xx: the producer fails or cannot reach SQS or DynamoDB."
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = var.api_id, Stage = "$default" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_log_metric_filter" "books_stored" {
  name           = "${var.name_prefix}-books-stored"
  log_group_name = var.consumer_log_group_name
  pattern        = local.books_stored_pattern

  metric_transformation {
    name      = "BooksStored"
    namespace = local.metric_namespace
    value     = "$.fields.stored"
    unit      = "Count"
  }
}

resource "aws_cloudwatch_dashboard" "books" {
  dashboard_name = var.name_prefix

  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title   = "Books stored per minute"
          region  = var.region
          stat    = "Sum"
          period  = 60
          metrics = [[local.metric_namespace, "BooksStored"]]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Queue: depth, age of oldest message, dead letters"
          region = var.region
          stat   = "Maximum"
          period = 60
          metrics = [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.queue_name],
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.queue_name, { yAxis = "right" }],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dead_letter_queue_name],
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "Functions: errors and throttles"
          region = var.region
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/Lambda", "Errors", "FunctionName", var.producer_function_name],
            ["AWS/Lambda", "Errors", "FunctionName", var.consumer_function_name],
            ["AWS/Lambda", "Throttles", "FunctionName", var.producer_function_name],
            ["AWS/Lambda", "Throttles", "FunctionName", var.consumer_function_name],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "API: requests, 4xx, 5xx"
          region = var.region
          stat   = "Sum"
          period = 60
          metrics = [
            ["AWS/ApiGateway", "Count", "ApiId", var.api_id, "Stage", "$default"],
            ["AWS/ApiGateway", "4xx", "ApiId", var.api_id, "Stage", "$default"],
            ["AWS/ApiGateway", "5xx", "ApiId", var.api_id, "Stage", "$default"],
          ]
        }
      },
    ]
  })
}
