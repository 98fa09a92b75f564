//! Step 06: seeing it run.
//!
//! The functions log JSON (Lambda's `log_format = "JSON"` sets `AWS_LAMBDA_LOG_FORMAT`, which
//! the runtime's subscriber follows), each line carrying the invocation's request id; the
//! consumer writes a business metric, books stored, in CloudWatch's embedded metric format;
//! the cloudwatch module adds the alarms and a dashboard over them.

// ANCHOR: modules
pub mod book;
pub mod config;
pub mod consumer;
pub mod iam;
pub mod message;
pub mod metrics;
pub mod producer;
pub mod queue;
pub mod store;
// ANCHOR_END: modules
