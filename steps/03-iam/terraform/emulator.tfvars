# Against the local emulator (`cargo xtask local --step 03`): every run tears down what it applied.
name_prefix               = "step03-local"
table_deletion_protection = false

# moto never reports the DLQ's redrive-allow policy back, so apply would wait forever.
dlq_redrive_allow_policy_enabled = false
