terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.90, < 7.0"
    }
  }

  # State stays local by default; a team replaces this with a remote backend (S3 with
  # locking). Emulator runs of `cargo xtask` point it under target/ with -backend-config,
  # so they never touch the state of a real deploy.
  backend "local" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = var.name_prefix, ManagedBy = "terraform" }, var.tags)
  }
}
