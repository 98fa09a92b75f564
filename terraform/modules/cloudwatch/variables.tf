variable "name_prefix" {
  description = "Prefix of alarm, metric and dashboard names."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,100}$", var.name_prefix))
    error_message = "The prefix is 1 to 100 letters, digits, '_' or '-'."
  }
}

variable "region" {
  description = "Region the dashboard's widgets read from."
  type        = string
}

variable "queue_name" {
  description = "Name of the books queue."
  type        = string
}

variable "dead_letter_queue_name" {
  description = "Name of the dead-letter queue."
  type        = string
}

variable "producer_function_name" {
  description = "Name of the producer function."
  type        = string
}

variable "consumer_function_name" {
  description = "Name of the consumer function."
  type        = string
}

variable "api_id" {
  description = "Id of the HTTP API."
  type        = string
}

variable "max_queue_age_seconds" {
  description = "Age of the oldest queued message above which the queue-age alarm fires."
  type        = number
  default     = 300

  validation {
    condition     = var.max_queue_age_seconds >= 60
    error_message = "Use at least 60 seconds: SQS publishes the metric once a minute."
  }
}

variable "failed_records_alarm_enabled" {
  description = "Alarm on the consumer's BooksFailed metric (records it reported in batchItemFailures; Books namespace, by FunctionName) and show it on the dashboard. Only for a consumer that writes that metric."
  type        = bool
  default     = false
}

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or recovers (e.g. an SNS topic). Empty: the alarms only show in the console."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.alarm_actions : startswith(arn, "arn:")])
    error_message = "Every alarm action is an ARN."
  }
}

variable "tags" {
  description = "Tags for the alarms."
  type        = map(string)
  default     = {}
}
