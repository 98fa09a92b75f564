output "state_bucket" {
  description = "The bucket of every environment's state: the workflows' TF_STATE_BUCKET variable."
  value       = aws_s3_bucket.state.id
}

output "branches_role_arn" {
  description = "Role of the branch environments (<prefix>-br-*): the workflows' AWS_BRANCHES_ROLE_ARN variable."
  value       = aws_iam_role.deploy["branches"].arn
  depends_on  = [aws_iam_role_policy.deploy, aws_iam_role_policy.state]
}

output "production_role_arn" {
  description = "Role of the production environment (<prefix>-prod): the workflows' AWS_PRODUCTION_ROLE_ARN variable."
  value       = aws_iam_role.deploy["production"].arn
  depends_on  = [aws_iam_role_policy.deploy, aws_iam_role_policy.state]
}

output "github_variables" {
  description = "The repository variables the workflows read (Settings → Secrets and variables → Actions → Variables): none of them is a secret."
  value = {
    AWS_REGION              = var.region
    NAME_PREFIX             = var.name_prefix
    TF_STATE_BUCKET         = aws_s3_bucket.state.id
    AWS_BRANCHES_ROLE_ARN   = aws_iam_role.deploy["branches"].arn
    AWS_PRODUCTION_ROLE_ARN = aws_iam_role.deploy["production"].arn
  }
}

output "oidc_provider_arn" {
  description = "The account's GitHub OIDC provider, created here or found."
  value       = local.oidc_provider_arn
}
