# What a GitHub Actions pipeline needs to deploy terraform/ without an access key: the account's
# GitHub OIDC provider, a bucket for every environment's state, and two roles the workflows assume
# with their OIDC token. Branches get one role, limited to the <prefix>-br-* environments; the
# production environment's jobs get the other, limited to <prefix>-prod. A person applies this
# root once per account (README.md).

data "aws_caller_identity" "current" {}

locals {
  oidc_host = "token.actions.githubusercontent.com"

  # Each role's environments: the name_prefix values the pipeline passes to terraform/, as the
  # deployer policy's pattern (its resources are "<name_prefix>-*").
  environments = {
    branches   = "${var.name_prefix}-br-*"
    production = "${var.name_prefix}-prod"
  }

  # Which workflow runs may assume each role, by the token's sub claim: any branch of this
  # repository (a push, a branch deletion, run from the default branch, and a pull request's
  # close), or only jobs of the production environment, whose reviewers GitHub enforces.
  subjects = {
    branches = [
      "repo:${var.github_repository}:ref:refs/heads/*",
      "repo:${var.github_repository}:pull_request",
    ]
    production = ["repo:${var.github_repository}:environment:${var.production_environment}"]
  }

  oidc_provider_arn = (var.create_github_oidc_provider
    ? aws_iam_openid_connect_provider.github[0].arn
  : data.aws_iam_openid_connect_provider.github[0].arn)
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 1 : 0

  url            = "https://${local.oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 0 : 1

  url = "https://${local.oidc_host}"
}

# ANCHOR: state_bucket
resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_18:access logging of the state bucket needs a second bucket; CloudTrail records who read or wrote state
  #checkov:skip=CKV_AWS_144:cross-region replication doubles the cost for a bucket the versioning below already protects
  #checkov:skip=CKV2_AWS_62:nothing consumes event notifications of state writes
  #checkov:skip=CKV_AWS_145:SSE-S3 encrypts at rest; a customer-managed KMS key adds a cost and a key policy to keep, for state no one outside the account reads
  bucket = var.state_bucket_name
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket = aws_s3_bucket.state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "old-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_state_days
    }

    # Every run writes and deletes its <key>.tflock; once the lock's old versions expire, the
    # delete marker left alone goes too, so the bucket does not fill with them.
    expiration {
      expired_object_delete_marker = true
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.state]
}
# ANCHOR_END: state_bucket

# ANCHOR: roles
resource "aws_iam_role" "deploy" {
  for_each = local.environments

  name                 = "${var.name_prefix}-deploy-${each.key}"
  description          = "Assumed by GitHub Actions of ${var.github_repository} to deploy ${each.value}."
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "${local.oidc_host}:aud" = "sts.amazonaws.com" }
        StringLike   = { "${local.oidc_host}:sub" = local.subjects[each.key] }
      }
    }]
  })
}

# What terraform/ needs to plan, apply and destroy the role's environments.
resource "aws_iam_role_policy" "deploy" {
  for_each = local.environments

  name = "deploy"
  role = aws_iam_role.deploy[each.key].id
  policy = jsonencode(jsondecode(templatefile("${path.module}/../deployer-policy.json.tftpl", {
    name_prefix = each.value
    region      = var.region
    account_id  = data.aws_caller_identity.current.account_id
  })))
}

# Each environment's state is the object "<name_prefix>.tfstate", locked by S3 itself with a
# "<name_prefix>.tfstate.tflock" object next to it (the S3 backend's use_lockfile).
resource "aws_iam_role_policy" "state" {
  for_each = local.environments

  name = "state"
  role = aws_iam_role.deploy[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # The backend lists the bucket for workspaces (under "env:/") as well as for its key, so a
      # prefix condition would break `init`; a list shows names, never a state's contents.
      {
        Sid      = "ListTheBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = aws_s3_bucket.state.arn
      },
      {
        Sid      = "ReadAndWriteTheEnvironmentsStateAndLock"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${aws_s3_bucket.state.arn}/${each.value}.tfstate*"
      },
    ]
  })
}
# ANCHOR_END: roles
