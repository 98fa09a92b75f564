# What differs against the local emulator (cargo xtask test applies and destroys this root there).
github_repository = "example-org/books"
state_bucket_name = "books-terraform-state-emulator"
# moto answers S3 on one host and port: buckets are addressed by path, not by a host name.
s3_use_path_style = true
