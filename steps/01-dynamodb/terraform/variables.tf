variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "step01"

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
