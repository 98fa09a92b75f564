//! The AWS actions each function needs, gathered from the lists declared next to the calls.
//!
//! `tests/iam.rs` compares these with what the Terraform iam module renders: a call added
//! without its action, or an action granted without a call, fails the test.

use std::collections::BTreeSet;

use crate::{queue, store};

/// Every function writes its own logs to the log group Terraform created for it.
pub const LOG_ACTIONS: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];

/// Lambda's SQS event source mapping receives and deletes the consumer's messages with the
/// consumer's role, and reads the queue's attributes to do so.
pub const EVENT_SOURCE_MAPPING_ACTIONS: &[&str] =
    &["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];

// ANCHOR: per_function
/// The producer sends accepted books and reads stored ones.
pub fn producer_actions() -> BTreeSet<&'static str> {
    [queue::SEND_ACTIONS, store::GET_ACTIONS, LOG_ACTIONS].concat().into_iter().collect()
}

/// The consumer stores the batches its event source mapping receives.
pub fn consumer_actions() -> BTreeSet<&'static str> {
    [EVENT_SOURCE_MAPPING_ACTIONS, store::PUT_ALL_ACTIONS, LOG_ACTIONS].concat().into_iter().collect()
}
// ANCHOR_END: per_function
