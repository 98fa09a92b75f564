//! The AWS actions each function needs, gathered from the lists declared next to the calls.
//!
//! `tests/iam.rs` compares these with what `terraform/` grants: a call added without its
//! action, or an action granted without a call, fails the test.

use std::collections::BTreeSet;

use crate::{idempotency, queue, store};

/// Every function writes its own logs to the log group Terraform created for it.
pub const LOG_ACTIONS: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];

/// Lambda's SQS event source mapping receives and deletes the consumer's messages with the
/// consumer's role, and reads the queue's attributes to do so.
pub const EVENT_SOURCE_MAPPING_ACTIONS: &[&str] =
    &["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];

/// The producer sends accepted books, reads stored ones, and keeps its idempotency records.
pub fn producer_actions() -> BTreeSet<&'static str> {
    [queue::SEND_ACTIONS, store::GET_ACTIONS, idempotency::ACTIONS, LOG_ACTIONS]
        .concat()
        .into_iter()
        .collect()
}

/// The consumer stores the batches its event source mapping receives.
pub fn consumer_actions() -> BTreeSet<&'static str> {
    [EVENT_SOURCE_MAPPING_ACTIONS, store::PUT_ALL_ACTIONS, LOG_ACTIONS].concat().into_iter().collect()
}
