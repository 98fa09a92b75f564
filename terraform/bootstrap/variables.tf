variable "region" {
  description = "AWS region of the state bucket and of every environment the pipeline deploys."
  type        = string
  default     = "us-east-1"
}

variable "github_repository" {
  description = "The GitHub repository whose workflows may deploy, as owner/name (e.g. my-org/books)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "The repository is owner/name, as in its GitHub URL."
  }
}

variable "name_prefix" {
  description = "Prefix of the environments' names: branches deploy <prefix>-br-<branch>, main deploys <prefix>-prod."
  type        = string
  default     = "books"

  validation {
    # The root's prefix is at most 40 characters; a branch environment adds "-br-" and 21 more.
    condition     = can(regex("^[a-zA-Z0-9-]{1,15}$", var.name_prefix))
    error_message = "The prefix is 1 to 15 letters, digits or '-', so that every environment's name fits the root's 40."
  }
}

variable "production_environment" {
  description = "The GitHub environment (with its required reviewers) whose jobs may deploy <prefix>-prod."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,255}$", var.production_environment))
    error_message = "A GitHub environment name: letters, digits, '.', '_' or '-'."
  }
}

variable "state_bucket_name" {
  description = "Name of the S3 bucket that holds every environment's Terraform state (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name)) && !strcontains(var.state_bucket_name, "..")
    error_message = "An S3 bucket name: 3 to 63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit."
  }
}

variable "noncurrent_state_days" {
  description = "Days an overwritten state version is kept before S3 deletes it (older states to roll back to)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_state_days >= 1 && var.noncurrent_state_days <= 3650 && floor(var.noncurrent_state_days) == var.noncurrent_state_days
    error_message = "A whole number of days, 1 to 3650."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; false when the account already has one (an account holds one per URL)."
  type        = bool
  default     = true
}

variable "s3_use_path_style" {
  description = "Address the bucket by path, not by host name: the local emulator needs it, AWS does not."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource, applied through the provider's default_tags."
  type        = map(string)
  default     = {}
}
