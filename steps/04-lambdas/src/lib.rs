//! Step 04: the functions.
//!
//! The producer and the consumer become Lambda functions: thin binaries in `src/bin/` that
//! read their configuration once at init and hand each invocation to a handler that takes its
//! clients as arguments, so the same handler runs on Lambda, in the tests and locally. The
//! consumer answers with a partial batch response; receiving and deleting messages is now
//! the event source mapping's job.

// ANCHOR: modules
pub mod book;
pub mod config;
pub mod consumer;
pub mod iam;
pub mod message;
pub mod producer;
pub mod queue;
pub mod store;
// ANCHOR_END: modules
