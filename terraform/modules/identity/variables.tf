variable "name" {
  description = "Name of the user pool (and of its resource server)."
  type        = string

  validation {
    condition     = can(regex("^[\\w\\s+=,.@-]{1,128}$", var.name))
    error_message = "A user pool name is 1 to 128 letters, digits, spaces or + = , . @ _ -."
  }
}

variable "domain_prefix" {
  description = "Prefix of the pool's hosted domain, which serves the token endpoint: https://<domain_prefix>.auth.<region>.amazoncognito.com. Unique in the region across all AWS accounts."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.domain_prefix)) && !can(regex("aws|amazon|cognito", var.domain_prefix))
    error_message = "A Cognito domain prefix is 1 to 63 lowercase letters, digits and inner hyphens, and may not contain aws, amazon or cognito."
  }
}

variable "clients" {
  description = "Machine clients that get tokens with the client credentials grant, each with the scopes it may ask for (read, write)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for scopes in values(var.clients) : length(scopes) > 0 && length(setsubtract(scopes, ["read", "write"])) == 0])
    error_message = "Each client asks for read, write or both."
  }
}

variable "access_token_validity_minutes" {
  description = "How long an access token is valid, in minutes."
  type        = number
  default     = 60

  validation {
    condition     = var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 1440
    error_message = "Cognito accepts 5 minutes to 1 day for an access token."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool (and with it every client) while on."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the user pool."
  type        = map(string)
  default     = {}
}
