variable "table_name" {
  description = "Name of the table."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "A table name is 3 to 255 letters, digits, '_', '-' or '.'."
  }
}

variable "ttl_attribute" {
  description = "Attribute holding each item's expiry time (a number, epoch seconds), after which DynamoDB deletes the item; null turns TTL off (the books table keeps its items)."
  type        = string
  default     = null

  validation {
    condition     = var.ttl_attribute == null ? true : length(var.ttl_attribute) >= 1 && length(var.ttl_attribute) <= 255
    error_message = "DynamoDB takes a TTL attribute name of 1 to 255 characters (or null for no TTL)."
  }

  validation {
    condition     = var.ttl_attribute != "id"
    error_message = "The TTL attribute cannot be the key \"id\": TTL needs a number attribute, the key is a string."
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
