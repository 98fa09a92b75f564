variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "step06"

  validation {
    condition     = can(regex("^[a-zA-Z0-9-]{1,40}$", var.name_prefix))
    error_message = "The prefix is 1 to 40 letters, digits or '-'."
  }
}

variable "table_deletion_protection" {
  description = "Refuse to delete the books table (off against the local emulator, so a run can tear down)."
  type        = bool
  default     = true
}

variable "max_receive_count" {
  description = "Failed receives before a message moves to the dead-letter queue."
  type        = number
  default     = 3
}

variable "dlq_redrive_allow_policy_enabled" {
  description = "Restrict the DLQ to the books queue (off against the local emulator, which never reports the policy back)."
  type        = bool
  default     = true
}

variable "packages_manifest" {
  description = "Path of the manifest `cargo xtask package --step 06` writes; null means target/lambda/step06-cloudwatch/packages.json of this repository."
  type        = string
  default     = null
}

variable "producer_timeout_seconds" {
  description = "Longest run of one producer invocation."
  type        = number
  default     = 10
}

variable "consumer_timeout_seconds" {
  description = "Longest run of one consumer invocation (one batch)."
  type        = number
  default     = 30
}

variable "consumer_batch_size" {
  description = "Most records in one consumer invocation."
  type        = number
  default     = 10
}

variable "consumer_batching_window_seconds" {
  description = "Longest wait to fill a batch before the consumer is invoked."
  type        = number
  default     = 0
}

variable "event_source_mapping_enabled" {
  description = "Let Lambda poll the queue for the consumer (off against the emulator, where the local runner polls)."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs (e.g. an SNS topic) notified when an alarm fires or recovers."
  type        = list(string)
  default     = []
}
