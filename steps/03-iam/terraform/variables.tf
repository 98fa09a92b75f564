variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "step03"

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

variable "visibility_timeout_seconds" {
  description = "How long a received message stays hidden before it can be received again."
  type        = number
  default     = 30
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
