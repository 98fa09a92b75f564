variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name; one per environment (e.g. books-dev, books-prod)."
  type        = string
  default     = "books"

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]{1,40}$", var.name_prefix))
    error_message = "The prefix is 1 to 40 letters, digits or '-'."
  }
}

variable "tags" {
  description = "Tags for every resource, applied through the provider's default_tags."
  type        = map(string)
  default     = {}
}

variable "architecture" {
  description = "Instruction set of the functions; null means the one the packages were built for (cargo xtask package --arch)."
  type        = string
  default     = null
}

variable "packages_manifest" {
  description = "Path of the packages manifest `cargo xtask package` writes; null means target/lambda/packages.json of this repository."
  type        = string
  default     = null
}

variable "queue_visibility_timeout_seconds" {
  description = "Visibility timeout of the queue; null derives it from the consumer (6 x timeout + batching window)."
  type        = number
  default     = null
}

variable "producer_memory_mb" {
  description = "Memory of the producer, in MB (CPU grows with it)."
  type        = number
  default     = 128
}

variable "consumer_memory_mb" {
  description = "Memory of the consumer, in MB (CPU grows with it)."
  type        = number
  default     = 256
}

variable "consumer_max_concurrency" {
  description = "Most consumer invocations the queue may run at once."
  type        = number
  default     = 10
}

variable "log_retention_days" {
  description = "Days the functions' and the API's logs are kept."
  type        = number
  default     = 14
}

variable "api_throttling_burst_limit" {
  description = "Most requests the API admits in a burst."
  type        = number
  default     = 100
}

variable "api_throttling_rate_limit" {
  description = "Steady requests per second the API admits."
  type        = number
  default     = 50
}

variable "producer_timeout_seconds" {
  description = "Timeout of the producer function."
  type        = number
  default     = 10
}

variable "consumer_timeout_seconds" {
  description = "Timeout of the consumer function; the queue's visibility timeout follows from it."
  type        = number
  default     = 30
}

variable "consumer_batch_size" {
  description = "Most records per consumer invocation."
  type        = number
  default     = 100
}

variable "consumer_batching_window_seconds" {
  description = "Longest wait to fill a consumer batch."
  type        = number
  default     = 1
}

variable "max_receive_count" {
  description = "Failed receives before a message moves to the dead-letter queue."
  type        = number
  default     = 3
}

variable "event_source_mapping_enabled" {
  description = "Deliver the queue to the consumer (off against the local emulator, where the local poller does it)."
  type        = bool
  default     = true
}

variable "dlq_redrive_allow_policy_enabled" {
  description = "Restrict the DLQ to the books queue (off against the local emulator, which never reports the policy back)."
  type        = bool
  default     = true
}

variable "table_deletion_protection" {
  description = "Refuse to delete the books table (off against the local emulator, so a run can tear down)."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs (e.g. an SNS topic) notified when an alarm fires or recovers."
  type        = list(string)
  default     = []
}
