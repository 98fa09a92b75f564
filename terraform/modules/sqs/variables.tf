variable "name" {
  description = "Name of the queue; the dead-letter queue is named \"<name>-dlq\"."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,76}$", var.name))
    error_message = "A queue name is 1 to 76 letters, digits, '_' or '-' (76 leaves room for \"-dlq\")."
  }
}

variable "visibility_timeout_seconds" {
  description = "How long a received message stays hidden. Set it from the consumer: at least six times its timeout plus its batching window (AWS's guidance for Lambda event sources)."
  type        = number

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200
    error_message = "The visibility timeout is 0 to 43200 seconds."
  }
}

variable "message_retention_seconds" {
  description = "How long the queue keeps an unconsumed message."
  type        = number
  default     = 345600 # 4 days

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "Retention is 60 seconds to 14 days (1209600 seconds)."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long the dead-letter queue keeps a message: time to inspect and redrive it."
  type        = number
  default     = 1209600 # 14 days, the most SQS allows

  validation {
    condition     = var.dead_letter_retention_seconds <= 1209600
    error_message = "SQS keeps a message at most 14 days (1209600 seconds)."
  }

  validation {
    condition     = var.dead_letter_retention_seconds > var.message_retention_seconds
    error_message = "The DLQ must keep messages longer than the queue: a message's age carries over when it is dead-lettered, so a shorter DLQ retention deletes it on arrival."
  }
}

variable "max_receive_count" {
  description = "Receives after which a message that keeps failing moves to the dead-letter queue. AWS's guidance for a Lambda event source is at least 5: a receive whose batch the function never processed (the function throttled) counts too."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "maxReceiveCount is 1 to 1000."
  }
}

variable "redrive_allow_policy_enabled" {
  description = "Restrict the DLQ to this queue. Turn off only against the local emulator, which never reports the policy back (apply would wait forever)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for both queues."
  type        = map(string)
  default     = {}
}
