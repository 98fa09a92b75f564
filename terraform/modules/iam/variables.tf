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

variable "producer_table_actions" {
  description = "DynamoDB actions the producer may call on the books table: the calls its code makes."
  type        = list(string)
  default     = ["dynamodb:GetItem"]

  validation {
    condition     = length(var.producer_table_actions) > 0 && alltrue([for action in var.producer_table_actions : can(regex("^dynamodb:[A-Za-z]+$", action))])
    error_message = "producer_table_actions holds at least one action, each a named DynamoDB action such as \"dynamodb:GetItem\": no other service, no wildcard."
  }
}

variable "consumer_table_actions" {
  description = "DynamoDB actions the consumer may call on the books table: the calls its code makes."
  type        = list(string)
  default     = ["dynamodb:BatchWriteItem"]

  validation {
    condition     = length(var.consumer_table_actions) > 0 && alltrue([for action in var.consumer_table_actions : can(regex("^dynamodb:[A-Za-z]+$", action))])
    error_message = "consumer_table_actions holds at least one action, each a named DynamoDB action such as \"dynamodb:PutItem\": no other service, no wildcard."
  }
}

variable "idempotency_table_arn" {
  description = "ARN of the producer's idempotency table; null (no such table) adds no statement."
  type        = string
  default     = null

  validation {
    condition     = var.idempotency_table_arn == null ? true : startswith(var.idempotency_table_arn, "arn:")
    error_message = "idempotency_table_arn must be an ARN (or null)."
  }
}

variable "idempotency_table_actions" {
  description = "DynamoDB actions the producer may call on the idempotency table (given only with idempotency_table_arn)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for action in var.idempotency_table_actions : can(regex("^dynamodb:[A-Za-z]+$", action))])
    error_message = "Each idempotency table action is a named DynamoDB action such as \"dynamodb:PutItem\": no other service, no wildcard."
  }

  validation {
    condition     = (var.idempotency_table_arn == null) == (length(var.idempotency_table_actions) == 0)
    error_message = "Give idempotency_table_arn and idempotency_table_actions together: actions without a table grant nothing, a table without actions would get an empty statement, which IAM refuses."
  }
}

variable "producer_log_group_arn" {
  description = "ARN of the producer's log group (without the trailing \":*\"), built from its name, which Lambda's is: arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<function name>. The group need not exist yet."
  type        = string

  validation {
    condition     = startswith(var.producer_log_group_arn, "arn:") && !endswith(var.producer_log_group_arn, ":*")
    error_message = "producer_log_group_arn must be a log group ARN without \":*\"."
  }
}

variable "consumer_log_group_arn" {
  description = "ARN of the consumer's log group (without the trailing \":*\"), built from its name, which Lambda's is: arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<function name>. The group need not exist yet."
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
