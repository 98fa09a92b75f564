# Against the local emulator (`cargo xtask local --step 06`): every run tears down what it applied.
name_prefix               = "step06-local"
table_deletion_protection = false

# moto never reports the DLQ's redrive-allow policy back, so apply would wait forever.
dlq_redrive_allow_policy_enabled = false

# An enabled mapping makes moto try to invoke the consumer on every send (it cannot without
# Docker), and healthy messages end up in the DLQ. The local runner polls the queue instead.
event_source_mapping_enabled = false

# A short consumer timeout keeps retries quick: visibility timeout = 6 x 3 = 18 s.
consumer_timeout_seconds = 3
