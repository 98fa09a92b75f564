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

variable "allow_placeholder_packages" {
  description = "Deploy placeholder packages (a manifest with \"placeholder\": true, xtask's dummy zips that exit 1): only against the local emulator, which stores function code but never runs it. Off, the plan fails and names `cargo xtask package`."
  type        = bool
  default     = false
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
  description = "Most requests each route of the API admits in a burst: the stage's default route settings, applied to every route (POST /books, GET /books/{id}, $default) separately, not to the API as a whole."
  type        = number
  default     = 100
}

variable "api_throttling_rate_limit" {
  description = "Steady requests per second each route of the API admits: the stage's default route settings, applied to every route (POST /books, GET /books/{id}, $default) separately, not to the API as a whole."
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
  description = "Receives after which a message that keeps failing moves to the dead-letter queue. AWS's guidance for a Lambda event source is at least 5: a receive whose batch the function never processed (the function throttled) counts too."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "maxReceiveCount is 1 to 1000 (AWS advises at least 5 for a Lambda event source)."
  }
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
  description = "Refuse to delete the tables, books and idempotency (off against the local emulator, so a run can tear down)."
  type        = bool
  default     = true
}

variable "jwt_issuer" {
  description = "Issuer of the tokens the API accepts, when another OpenID Connect provider than this root's own Cognito user pool issues them (an https URL; its keys must be public). null: the root creates the user pool (modules/identity) and the API trusts it."
  type        = string
  default     = null

  validation {
    condition     = var.jwt_issuer == null ? true : startswith(var.jwt_issuer, "https://")
    error_message = "The issuer is an https:// URL: API Gateway fetches its signing keys from there."
  }
}

variable "jwt_audience" {
  description = "With jwt_issuer: the audiences the API accepts (a token's aud, or its client_id when it has no aud). Without it, the user pool's clients are the audience."
  type        = list(string)
  default     = []

  validation {
    condition     = var.jwt_issuer == null || length(var.jwt_audience) > 0
    error_message = "With jwt_issuer, name at least one audience."
  }
}

variable "api_clients" {
  description = "Without jwt_issuer: the user pool's machine clients (client credentials grant), each with the scopes it may ask for (read, write). The deploy's smoke test gets its token as smoke-test."
  type        = map(list(string))
  default     = { "smoke-test" = ["read", "write"] }

  validation {
    condition     = length(var.api_clients) > 0
    error_message = "Name at least one client: the API accepts tokens of these clients only."
  }
}

variable "api_route_scopes" {
  description = "Scopes a token must hold one of, per route (\"POST /books\", \"GET /books/{id}\", \"$default\"); null keeps the api_gateway module's default, the user pool's books/write and books/read. Set it to your provider's scope names with jwt_issuer."
  type        = map(list(string))
  default     = null
}

variable "user_pool_deletion_protection" {
  description = "Refuse to delete the user pool, and with it every client's credentials (off against the local emulator, so a run can tear down)."
  type        = bool
  default     = true
}

variable "idempotency_ttl_hours" {
  description = "How long the producer replays its recorded answer to an Idempotency-Key (same key and body: the first answer again, nothing queued), in hours; after that the key is forgotten and a retry counts as a new request."
  type        = number
  default     = 24

  validation {
    condition     = var.idempotency_ttl_hours >= 1 && var.idempotency_ttl_hours <= 720 && var.idempotency_ttl_hours == floor(var.idempotency_ttl_hours)
    error_message = "The idempotency TTL is a whole number of hours, 1 to 720 (30 days)."
  }
}

variable "alarm_actions" {
  description = "ARNs (e.g. an SNS topic) notified when an alarm fires or recovers."
  type        = list(string)
  default     = []
}
