variable "name" {
  description = "Name of the HTTP API (and of its access log group)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,128}$", var.name))
    error_message = "The API name is 1 to 128 letters, digits, '_' or '-'."
  }
}

variable "producer_invoke_arn" {
  description = "Invoke ARN of the producer function."
  type        = string
}

variable "producer_function_name" {
  description = "Name of the producer function, for the invoke permission."
  type        = string
}

variable "jwt_authorizer" {
  description = "Who may call the API: tokens of this issuer (an OpenID Connect provider's base URL, e.g. https://cognito-idp.<region>.amazonaws.com/<user-pool-id>) for one of these audiences (aud, or client_id when a token has no aud). null leaves every route public."
  type = object({
    issuer   = string
    audience = list(string)
  })
  default = null

  validation {
    condition     = var.jwt_authorizer == null ? true : startswith(var.jwt_authorizer.issuer, "https://") && length(var.jwt_authorizer.audience) > 0
    error_message = "The issuer is an https:// URL (API Gateway fetches its keys from there) and the audience names at least one value."
  }
}

variable "route_scopes" {
  description = "Scopes a token must hold one of, per route, when there is a jwt_authorizer; an empty list asks for a valid token alone. The defaults are the scopes the reference deployment's Cognito resource server defines."
  type        = map(list(string))
  nullable    = false
  default = {
    "POST /books"     = ["books/write"]
    "GET /books/{id}" = ["books/read"]
    "$default"        = ["books/read", "books/write"]
  }

  validation {
    condition     = setunion(keys(var.route_scopes), ["POST /books", "GET /books/{id}", "$default"]) == toset(keys(var.route_scopes)) && length(var.route_scopes) == 3
    error_message = "route_scopes names exactly the API's routes: \"POST /books\", \"GET /books/{id}\" and \"$default\"."
  }
}

variable "throttling_burst_limit" {
  description = "Most requests each route admits in a burst (the stage's default route settings, applied to every route separately, not to the API as a whole)."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_burst_limit >= 1
    error_message = "The burst limit is at least 1."
  }
}

variable "throttling_rate_limit" {
  description = "Steady requests per second each route admits (the stage's default route settings, applied to every route separately, not to the API as a whole)."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "The rate limit is above 0."
  }
}

variable "log_retention_days" {
  description = "Days the access logs are kept."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "CloudWatch accepts 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 days."
  }
}

variable "tags" {
  description = "Tags for the API, its stage and its log group."
  type        = map(string)
  default     = {}
}
