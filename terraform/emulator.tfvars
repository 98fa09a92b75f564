# Settings for runs against the local emulator (moto), used by `cargo xtask local` and
# `cargo xtask test`. Each line is here because moto differs from AWS in a way that matters.

name_prefix = "books-local"

# An enabled mapping makes moto try to invoke the consumer on every send (it cannot without
# Docker), and healthy messages end up in the DLQ. The local poller replaces the mapping.
event_source_mapping_enabled = false

# moto never reports the DLQ's redrive-allow policy back, so apply would wait forever.
dlq_redrive_allow_policy_enabled = false

# Every emulator run tears down what it applied (both tables, the user pool).
table_deletion_protection     = false
user_pool_deletion_protection = false

# Without a build, xtask gives the emulator placeholder zips (the manifest says
# "placeholder": true): moto stores function code but never runs it, and the local runner
# hosts the real handlers, so the placeholders are fine here and refused everywhere else.
allow_placeholder_packages = true

# Short timeouts keep retries, and so the end-to-end test, quick: visibility timeout =
# 6 x 3 + 1 = 19 s, so a failing record comes back every 19 s and reaches the DLQ after
# max_receive_count (5) receives, in about 95 s. 3 s is enough even with AWS unreachable: the
# consumer's writes run concurrently, each bounded by the SDK's 2.5 s operation timeout
# (final/src/config.rs), so a batch of 20 fails within that time instead of timing out.
consumer_timeout_seconds         = 3
consumer_batching_window_seconds = 1
consumer_batch_size              = 20
