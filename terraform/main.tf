# The reference system: API Gateway -> producer -> SQS (+ DLQ) -> consumer -> DynamoDB.

locals {
  # Written by `cargo xtask package`: the zips and the architecture they were built for.
  packages_manifest = coalesce(var.packages_manifest, "${path.root}/../target/lambda/packages.json")
  built             = jsondecode(file(local.packages_manifest))
  packages = {
    architecture = local.built.architecture
    producer     = "${dirname(local.packages_manifest)}/${local.built.producer}"
    consumer     = "${dirname(local.packages_manifest)}/${local.built.consumer}"
    # xtask's dummy zips for the emulator say so; the lambdas module refuses them elsewhere.
    placeholder = try(local.built.placeholder, false)
  }

  log_group_arns = {
    for function in ["producer", "consumer"] :
    function => "arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/lambda/${var.name_prefix}-${function}"
  }

  # AWS's guidance for a Lambda event source: hide a received message for six times the
  # function's timeout, plus the time the batch may wait to fill.
  visibility_timeout_seconds = coalesce(
    var.queue_visibility_timeout_seconds,
    6 * var.consumer_timeout_seconds + var.consumer_batching_window_seconds,
  )
}

module "dynamodb" {
  source = "./modules/dynamodb"

  table_name          = "${var.name_prefix}-books"
  deletion_protection = var.table_deletion_protection
}

# The producer's record of each Idempotency-Key's first answer, kept for the TTL it writes
# into expires_at (epoch seconds), after which DynamoDB deletes it.
module "idempotency_table" {
  source = "./modules/dynamodb"

  table_name          = "${var.name_prefix}-idempotency"
  ttl_attribute       = "expires_at"
  deletion_protection = var.table_deletion_protection
}

module "sqs" {
  source = "./modules/sqs"

  name                         = "${var.name_prefix}-books"
  visibility_timeout_seconds   = local.visibility_timeout_seconds
  max_receive_count            = var.max_receive_count
  redrive_allow_policy_enabled = var.dlq_redrive_allow_policy_enabled
}

# The table actions are the calls final/'s code makes, as plain lists: a test of final/
# compares them with the lists declared next to those calls. The log groups are granted by the
# names the lambdas module gives them (Lambda's own, /aws/lambda/<function name>), known before
# they exist, so the roles need nothing from the lambdas module, which needs the roles.
module "iam" {
  source = "./modules/iam"

  name_prefix               = var.name_prefix
  queue_arn                 = module.sqs.queue_arn
  table_arn                 = module.dynamodb.table_arn
  producer_table_actions    = ["dynamodb:GetItem"]
  consumer_table_actions    = ["dynamodb:PutItem"]
  idempotency_table_arn     = module.idempotency_table.table_arn
  idempotency_table_actions = ["dynamodb:GetItem", "dynamodb:PutItem"]
  producer_log_group_arn    = local.log_group_arns.producer
  consumer_log_group_arn    = local.log_group_arns.consumer
}

module "lambdas" {
  source = "./modules/lambdas"

  name_prefix                      = var.name_prefix
  architecture                     = coalesce(var.architecture, local.packages.architecture)
  packages                         = local.packages
  allow_placeholder_packages       = var.allow_placeholder_packages
  queue_visibility_timeout_seconds = module.sqs.visibility_timeout_seconds
  producer_role_arn                = module.iam.producer_role_arn
  consumer_role_arn                = module.iam.consumer_role_arn
  producer_memory_mb               = var.producer_memory_mb
  consumer_memory_mb               = var.consumer_memory_mb
  producer_timeout_seconds         = var.producer_timeout_seconds
  consumer_timeout_seconds         = var.consumer_timeout_seconds
  consumer_max_concurrency         = var.consumer_max_concurrency
  log_retention_days               = var.log_retention_days
  table_name                       = module.dynamodb.table_name
  idempotency_table_name           = module.idempotency_table.table_name
  idempotency_ttl_seconds          = var.idempotency_ttl_hours * 3600
  queue_url                        = module.sqs.queue_url
  queue_arn                        = module.sqs.queue_arn
  consumer_batch_size              = var.consumer_batch_size
  consumer_batching_window_seconds = var.consumer_batching_window_seconds
  event_source_mapping_enabled     = var.event_source_mapping_enabled
}

# Who may call the API: a Cognito user pool of its own, unless jwt_issuer names another
# OpenID Connect provider. Its domain prefix carries the account id, since it must be unique in
# the region across every AWS account, and is lowercase without the words Cognito refuses in
# one (a branch named fix-aws-login still deploys).
module "identity" {
  source = "./modules/identity"
  count  = var.jwt_issuer == null ? 1 : 0

  name                = var.name_prefix
  domain_prefix       = "${replace(lower(var.name_prefix), "/aws|amazon|cognito/", "x")}-${data.aws_caller_identity.current.account_id}"
  clients             = var.api_clients
  deletion_protection = var.user_pool_deletion_protection
}

data "aws_caller_identity" "current" {}

module "api_gateway" {
  source = "./modules/api_gateway"

  name                   = var.name_prefix
  producer_invoke_arn    = module.lambdas.producer_invoke_arn
  producer_function_name = module.lambdas.producer_function_name
  throttling_burst_limit = var.api_throttling_burst_limit
  throttling_rate_limit  = var.api_throttling_rate_limit
  log_retention_days     = var.log_retention_days
  jwt_authorizer = {
    issuer = var.jwt_issuer == null ? module.identity[0].issuer : var.jwt_issuer
    # A Cognito access token names its client in client_id, which API Gateway checks when a
    # token has no aud.
    audience = var.jwt_issuer == null ? values(module.identity[0].client_ids) : var.jwt_audience
  }
  route_scopes = var.api_route_scopes
}

module "cloudwatch" {
  source = "./modules/cloudwatch"

  name_prefix            = var.name_prefix
  region                 = var.region
  queue_name             = module.sqs.queue_name
  dead_letter_queue_name = module.sqs.dead_letter_queue_name
  producer_function_name = module.lambdas.producer_function_name
  consumer_function_name = module.lambdas.consumer_function_name
  api_id                 = module.api_gateway.api_id
  alarm_actions          = var.alarm_actions

  # final/'s consumer writes BooksFailed next to BooksStored.
  failed_records_alarm_enabled = true
}
