# Renders ../../deployer-policy.json.tftpl: for root.tftest.hcl, which checks it gives valid
# JSON with named actions only, and for a reader who wants the document (terraform/README.md):
#   echo local.rendered | terraform -chdir=terraform/tests/deployer_policy console \
#     -var name_prefix=books-prod -var region=eu-west-1 -var account_id=123456789012 | sed '1d;$d'

terraform {
  required_version = ">= 1.9"
}

variable "name_prefix" {
  description = "Prefix of every resource name the deployer manages."
  type        = string
}

variable "region" {
  description = "Region the deployer deploys to."
  type        = string
}

variable "account_id" {
  description = "Account the deployer deploys to."
  type        = string
}

locals {
  rendered = templatefile("${path.module}/../../deployer-policy.json.tftpl", {
    name_prefix = var.name_prefix
    region      = var.region
    account_id  = var.account_id
  })
}

output "policy" {
  description = "The deployer's policy document, decoded."
  value       = jsondecode(local.rendered)
}
