# Settings for runs against the local emulator (moto), used by `cargo xtask local` and
# `cargo xtask test`. Each line is here because moto differs from AWS in a way that matters.

name_prefix = "books-local"

# An enabled mapping makes moto try to invoke the consumer on every send (it cannot without
# Docker), and healthy messages end up in the DLQ. The local poller replaces the mapping.
event_source_mapping_enabled = false

# moto never reports the DLQ's redrive-allow policy back, so apply would wait forever.
dlq_redrive_allow_policy_enabled = false

# Every emulator run tears down what it applied.
table_deletion_protection = false

# Short timeouts keep retries, and so the end-to-end test, quick:
# visibility timeout = 6 x 3 + 1 = 19 s.
consumer_timeout_seconds         = 3
consumer_batching_window_seconds = 1
consumer_batch_size              = 20
