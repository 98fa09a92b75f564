terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.90, < 7.0"
    }
  }

  # Applied once by a person, before any pipeline exists: its state stays with them (or is
  # moved into the bucket it creates, with `terraform init -migrate-state`, once it exists).
  backend "local" {}
}

provider "aws" {
  region = var.region

  # Only the local emulator needs path-style bucket addresses (emulator.tfvars).
  s3_use_path_style = var.s3_use_path_style

  default_tags {
    tags = merge({ Project = var.name_prefix, ManagedBy = "terraform" }, var.tags)
  }
}
