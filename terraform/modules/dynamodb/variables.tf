variable "table_name" {
  description = "Name of the books table."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "A table name is 3 to 255 letters, digits, '_', '-' or '.'."
  }
}

variable "point_in_time_recovery" {
  description = "Keep continuous backups for 35 days, restorable to any second."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Refuse to delete the table (on for production; the local emulator turns it off so a run can tear down)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
}
