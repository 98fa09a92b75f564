variable "name_prefix" {
  description = "Prefix of the function names (\"<prefix>-producer\", \"<prefix>-consumer\")."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,55}$", var.name_prefix))
    error_message = "The prefix is 1 to 55 letters, digits, '_' or '-' (function names stop at 64)."
  }
}

variable "architecture" {
  description = "Instruction set of both functions: arm64 (Graviton, cheaper per millisecond) or x86_64. It must match the packages' build target."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture is \"arm64\" or \"x86_64\"."
  }

  validation {
    condition     = var.architecture == var.packages.architecture
    error_message = "The packages were built for another architecture than the functions': rebuild them with `cargo xtask package --arch <architecture>`, or set architecture to the one they were built for."
  }
}

variable "packages" {
  description = "The functions' zips and the architecture they were built for, as `cargo xtask package` writes them to target/lambda/packages.json (paths resolved); placeholder is true for the dummy zips xtask writes for the emulator, which the functions refuse unless allow_placeholder_packages is set."
  type = object({
    architecture = string
    producer     = string
    consumer     = string
    placeholder  = optional(bool, false)
  })

  validation {
    condition     = endswith(var.packages.producer, ".zip") && endswith(var.packages.consumer, ".zip")
    error_message = "Each package is a .zip file, as `cargo lambda build --output-format zip` writes it."
  }
}

variable "allow_placeholder_packages" {
  description = "Accept placeholder packages (packages.placeholder = true): only against the local emulator, which stores function code but never runs it. Off, a plan with placeholders fails and names `cargo xtask package`."
  type        = bool
  default     = false
}

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the consumer's queue, checked against the consumer's timeout and batching window."
  type        = number

  validation {
    condition     = var.queue_visibility_timeout_seconds >= 6 * var.consumer_timeout_seconds + var.consumer_batching_window_seconds
    error_message = "The queue's visibility timeout must be at least 6 x the consumer's timeout + its batching window (AWS's guidance), or messages come back while still being processed: raise it or lower the consumer's timeout."
  }
}

variable "producer_role_arn" {
  description = "Execution role of the producer."
  type        = string
}

variable "consumer_role_arn" {
  description = "Execution role of the consumer."
  type        = string
}

variable "producer_memory_mb" {
  description = "Memory of the producer, in MB (CPU grows with it)."
  type        = number
  default     = 128

  validation {
    condition     = var.producer_memory_mb >= 128 && var.producer_memory_mb <= 10240
    error_message = "Lambda memory is 128 to 10240 MB."
  }
}

variable "consumer_memory_mb" {
  description = "Memory of the consumer, in MB (CPU grows with it)."
  type        = number
  default     = 256

  validation {
    condition     = var.consumer_memory_mb >= 128 && var.consumer_memory_mb <= 10240
    error_message = "Lambda memory is 128 to 10240 MB."
  }
}

variable "producer_timeout_seconds" {
  description = "Timeout of the producer; API Gateway gives up after 30 s anyway."
  type        = number
  default     = 10

  validation {
    condition     = var.producer_timeout_seconds >= 3 && var.producer_timeout_seconds <= 30
    error_message = "The producer's timeout is 3 to 30 seconds (its AWS calls time out after 2.5 s)."
  }
}

variable "consumer_timeout_seconds" {
  description = "Timeout of the consumer; the queue's visibility timeout is derived from it."
  type        = number
  default     = 30

  validation {
    condition     = var.consumer_timeout_seconds >= 3 && var.consumer_timeout_seconds <= 900
    error_message = "The consumer's timeout is 3 to 900 seconds (its AWS calls time out after 2.5 s)."
  }
}

variable "table_name" {
  description = "The books table, given to both functions as TABLE_NAME."
  type        = string
}

variable "idempotency_table_name" {
  description = "Table of the producer's idempotency records, given to it as IDEMPOTENCY_TABLE_NAME (with IDEMPOTENCY_TTL_SECONDS); null gives the producer neither variable."
  type        = string
  default     = null

  validation {
    condition     = var.idempotency_table_name == null ? true : can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.idempotency_table_name))
    error_message = "A table name is 3 to 255 letters, digits, '_', '-' or '.' (or null for no idempotency table)."
  }
}

variable "idempotency_ttl_seconds" {
  description = "How long the producer replays the recorded answer to an Idempotency-Key, in seconds; given to it as IDEMPOTENCY_TTL_SECONDS when idempotency_table_name is set."
  type        = number
  default     = 86400 # 24 hours

  validation {
    condition     = var.idempotency_ttl_seconds >= 60 && var.idempotency_ttl_seconds == floor(var.idempotency_ttl_seconds)
    error_message = "The idempotency TTL is a whole number of seconds, at least 60."
  }
}

variable "queue_url" {
  description = "The books queue, given to the producer as QUEUE_URL."
  type        = string
}

variable "queue_arn" {
  description = "The books queue, the consumer's event source."
  type        = string
}

variable "consumer_batch_size" {
  description = "Most records per consumer invocation. Above 10, SQS requires a batching window."
  type        = number
  default     = 100

  validation {
    condition     = var.consumer_batch_size >= 1 && var.consumer_batch_size <= 10000
    error_message = "The batch size is 1 to 10000."
  }
}

variable "consumer_batching_window_seconds" {
  description = "Longest wait to fill a batch before invoking the consumer."
  type        = number
  default     = 1

  validation {
    condition     = var.consumer_batching_window_seconds >= 0 && var.consumer_batching_window_seconds <= 300
    error_message = "The batching window is 0 to 300 seconds."
  }

  validation {
    condition     = var.consumer_batch_size <= 10 || var.consumer_batching_window_seconds >= 1
    error_message = "A batch size above 10 needs a batching window of at least 1 second (an SQS event source rule): set consumer_batching_window_seconds >= 1 or the batch size to 10 or less."
  }
}

variable "consumer_max_concurrency" {
  description = "Most consumer invocations the queue may run at once, so a backlog cannot exhaust the account's concurrency."
  type        = number
  default     = 10

  validation {
    condition     = var.consumer_max_concurrency >= 2 && var.consumer_max_concurrency <= 1000
    error_message = "Maximum concurrency is 2 to 1000."
  }
}

variable "event_source_mapping_enabled" {
  description = "Deliver the queue to the consumer. Off against the local emulator: it cannot invoke functions and would dead-letter healthy messages; the local poller takes the mapping's place."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Days the functions' logs are kept."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "CloudWatch accepts 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days."
  }
}

variable "log_level" {
  description = "Lowest level of the functions' own (application) log lines that Lambda keeps: TRACE, DEBUG or INFO. Not WARN or above: the consumer's BooksStored/BooksFailed metric lines are JSON lines at level INFO, and Lambda's filter would drop them with every other INFO line."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO"], var.log_level)
    error_message = "log_level is TRACE, DEBUG or INFO. The BooksStored and BooksFailed metrics are JSON log lines at level INFO (embedded metric format): Lambda's application log filter at WARN, ERROR or FATAL drops them, and every INFO line, so the metrics, their alarm and the dashboard go blank."
  }
}

variable "system_log_level" {
  description = "Lowest level of the lines Lambda itself writes to the functions' log groups: DEBUG, INFO or WARN. INFO keeps the START and REPORT line of each invocation (duration, billed duration, memory used, init duration of a cold start); WARN drops them."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level is DEBUG, INFO or WARN (Lambda's system log levels). WARN drops the START and REPORT lines with each invocation's duration, memory and init duration."
  }
}

variable "tags" {
  description = "Tags for the functions and log groups."
  type        = map(string)
  default     = {}
}
