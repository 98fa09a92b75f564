# Against the local emulator (`cargo xtask local --step 01`): every run tears down what it applied.
name_prefix               = "step01-local"
table_deletion_protection = false
