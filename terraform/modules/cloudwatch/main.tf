# The monitoring layer: alarms on what means "books are not getting through", and one
# dashboard. It reads names only, so it depends on no other module's resources.

locals {
  # The consumer writes this metric itself, in CloudWatch's embedded metric format: one JSON
  # line per batch in its log, which CloudWatch Logs turns into values. Nothing to create here.
  books_stored_metric = {
    namespace  = "Books"
    name       = "BooksStored"
    dimensions = { FunctionName = var.consumer_function_name }
  }
  # Its sibling, in the same lines: records the consumer reported in batchItemFailures.
  books_failed_metric = {
    namespace  = "Books"
    name       = "BooksFailed"
    dimensions = { FunctionName = var.consumer_function_name }
  }

  # Each alarm fires when its metric goes above its threshold; missing data (no traffic) is fine.
  alarms = merge(
    {
      dead-letters = {
        description = "Messages reached the DLQ: inspect them, fix the cause, redrive."
        namespace   = "AWS/SQS", metric = "ApproximateNumberOfMessagesVisible", statistic = "Maximum"
        dimensions  = { QueueName = var.dead_letter_queue_name }
        threshold   = 0, periods = 1
      }
      queue-age = {
        description = "Books wait in the queue longer than ${var.max_queue_age_seconds} s: the consumer is failing or cannot keep up."
        namespace   = "AWS/SQS", metric = "ApproximateAgeOfOldestMessage", statistic = "Maximum"
        dimensions  = { QueueName = var.queue_name }
        threshold   = var.max_queue_age_seconds, periods = 5
      }
      consumer-errors = {
        description = "The consumer failed invocations: records are being retried and may reach the DLQ."
        namespace   = "AWS/Lambda", metric = "Errors", statistic = "Sum"
        dimensions  = { FunctionName = var.consumer_function_name }
        threshold   = 0, periods = 1
      }
      api-5xx = {
        description = "The API answers 5xx: the producer fails or cannot reach SQS or DynamoDB."
        namespace   = "AWS/ApiGateway", metric = "5xx", statistic = "Sum"
        dimensions  = { ApiId = var.api_id, Stage = "$default" }
        threshold   = 0, periods = 1
      }
    },
    { for function, name in { producer = var.producer_function_name, consumer = var.consumer_function_name } :
      "${function}-throttles" => {
        description = "The ${function} is throttled: raise its reserved or the account's concurrency."
        namespace   = "AWS/Lambda", metric = "Throttles", statistic = "Sum"
        dimensions  = { FunctionName = name }
        threshold   = 0, periods = 1
      }
    },
    # Failed records do not fail the invocation (they are reported in batchItemFailures), so
    # consumer-errors stays quiet; this alarm sees them while SQS is still retrying them.
    { for key, alarm in {
      consumer-failed-records = {
        description = "The consumer could not store some records: SQS retries them, and after maxReceiveCount receives they reach the DLQ. Read the consumer's log for the cause."
        namespace   = local.books_failed_metric.namespace, metric = local.books_failed_metric.name, statistic = "Sum"
        dimensions  = local.books_failed_metric.dimensions
        threshold   = 0, periods = 1
      }
    } : key => alarm if var.failed_records_alarm_enabled },
  )

  # The dashboard's books widget: stored, and failed when the consumer reports that metric.
  books_metrics = concat(
    [[local.books_stored_metric.namespace, local.books_stored_metric.name, "FunctionName", var.consumer_function_name]],
    var.failed_records_alarm_enabled ? [[local.books_failed_metric.namespace, local.books_failed_metric.name, "FunctionName", var.consumer_function_name]] : [],
  )
}

resource "aws_cloudwatch_metric_alarm" "alarm" {
  for_each = local.alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = each.value.periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_dashboard" "books" {
  dashboard_name = var.name_prefix

  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title   = var.failed_records_alarm_enabled ? "Books stored and failed per minute" : "Books stored per minute"
          region  = var.region
          stat    = "Sum"
          period  = 60
          metrics = local.books_metrics
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
