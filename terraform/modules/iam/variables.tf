variable "name_prefix" {
  description = "Prefix of the role names (\"<prefix>-producer\", \"<prefix>-consumer\")."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9+=,.@_-]{1,55}$", var.name_prefix))
    error_message = "The prefix is 1 to 55 characters of letters, digits and +=,.@_- (role names stop at 64)."
  }
}

variable "queue_arn" {
  description = "ARN of the books queue."
  type        = string

  validation {
    condition     = startswith(var.queue_arn, "arn:")
    error_message = "queue_arn must be an ARN."
  }
}

variable "table_arn" {
  description = "ARN of the books table."
  type        = string

  validation {
    condition     = startswith(var.table_arn, "arn:")
    error_message = "table_arn must be an ARN."
  }
}

variable "producer_log_group_arn" {
  description = "ARN of the producer's log group (without the trailing \":*\")."
  type        = string

  validation {
    condition     = startswith(var.producer_log_group_arn, "arn:") && !endswith(var.producer_log_group_arn, ":*")
    error_message = "producer_log_group_arn must be a log group ARN without \":*\"."
  }
}

variable "consumer_log_group_arn" {
  description = "ARN of the consumer's log group (without the trailing \":*\")."
  type        = string

  validation {
    condition     = startswith(var.consumer_log_group_arn, "arn:") && !endswith(var.consumer_log_group_arn, ":*")
    error_message = "consumer_log_group_arn must be a log group ARN without \":*\"."
  }
}

variable "tags" {
  description = "Tags for the roles."
  type        = map(string)
  default     = {}
}
