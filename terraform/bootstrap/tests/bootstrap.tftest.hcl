# The bootstrap root, planned against a mocked provider: who may assume each role, and what it
# may touch. Run with `terraform test` from terraform/bootstrap/ (cargo xtask test does).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::my-org-books-state", id = "my-org-books-state" }
  }
}

variables {
  github_repository = "my-org/books"
  state_bucket_name = "my-org-books-state"
}

run "trusts_only_this_repositorys_tokens_for_sts" {
  command = apply

  assert {
    condition = alltrue([
      for role in aws_iam_role.deploy : alltrue([
        for statement in jsondecode(role.assume_role_policy).Statement :
        statement.Action == "sts:AssumeRoleWithWebIdentity"
        && statement.Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        && statement.Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
      ])
    ])
    error_message = "Each role trusts GitHub's OIDC provider, for tokens whose audience is STS, and nothing else."
  }

  assert {
    condition = alltrue([
      for role in aws_iam_role.deploy : alltrue([
        for statement in jsondecode(role.assume_role_policy).Statement : alltrue([
          for subject in flatten([statement.Condition.StringLike["token.actions.githubusercontent.com:sub"]]) :
          startswith(subject, "repo:my-org/books:")
        ])
      ])
    ])
    error_message = "Every subject a role trusts is of this repository: no other repository's workflow may assume it."
  }
}

run "gives_production_to_the_production_environment_alone" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role.deploy["production"].assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == ["repo:my-org/books:environment:production"]
    error_message = "Only jobs of the production environment (whose reviewers GitHub enforces) may assume the production role: no branch, no pull request."
  }

  assert {
    condition     = strcontains(aws_iam_role_policy.deploy["production"].policy, "function:books-prod-*") && !strcontains(aws_iam_role_policy.deploy["production"].policy, "books-br-")
    error_message = "The production role deploys books-prod, and no branch environment."
  }

  assert {
    condition     = strcontains(aws_iam_role_policy.deploy["branches"].policy, "function:books-br-*-*") && !strcontains(aws_iam_role_policy.deploy["branches"].policy, "books-prod")
    error_message = "The branches role deploys books-br-* environments, never books-prod."
  }
}

run "limits_each_role_to_its_own_states" {
  command = apply

  assert {
    condition     = jsondecode(aws_iam_role_policy.state["branches"].policy).Statement[1].Resource == "arn:aws:s3:::my-org-books-state/books-br-*.tfstate*"
    error_message = "The branches role reads and writes the branch environments' states and locks only."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.state["production"].policy).Statement[1].Resource == "arn:aws:s3:::my-org-books-state/books-prod.tfstate*"
    error_message = "The production role reads and writes production's state and lock only."
  }
}

run "keeps_state_versioned_private_and_encrypted" {
  command = apply

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "State is versioned, so a bad apply can be rolled back."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.state.block_public_acls,
      aws_s3_bucket_public_access_block.state.block_public_policy,
      aws_s3_bucket_public_access_block.state.ignore_public_acls,
      aws_s3_bucket_public_access_block.state.restrict_public_buckets,
    ])
    error_message = "The state bucket blocks every kind of public access."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration).noncurrent_days == 90
    error_message = "Old state versions expire after noncurrent_state_days (90 by default)."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.state.rule[0].expiration).expired_object_delete_marker
    error_message = "The delete markers the lock files leave are removed once they stand alone."
  }
}

run "uses_an_existing_oidc_provider_when_asked" {
  command = plan

  variables {
    create_github_oidc_provider = false
  }

  override_data {
    target = data.aws_iam_openid_connect_provider.github[0]
    values = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "An account holds one provider per URL: with create_github_oidc_provider = false, none is created."
  }
}

run "refuses_a_repository_that_is_not_owner_slash_name" {
  command = plan

  variables {
    github_repository = "books"
  }

  expect_failures = [var.github_repository]
}

run "refuses_a_prefix_too_long_for_branch_environments" {
  command = plan

  variables {
    name_prefix = "a-very-long-prefix"
  }

  expect_failures = [var.name_prefix]
}
