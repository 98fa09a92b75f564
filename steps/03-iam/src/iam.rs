//! The AWS actions each function needs, gathered from the lists declared next to the calls.
//!
//! `tests/iam.rs` compares these with what the Terraform iam module renders: a call added
//! without its action, or an action granted without a call, fails the test.

use std::collections::BTreeSet;

use crate::{queue, receive, store};

// ANCHOR: shared
/// Every function writes its own logs to the log group Terraform created for it.
pub const LOG_ACTIONS: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];

/// Lambda's SQS event source mapping polls the queue with the consumer's role, and reads the
/// queue's attributes to do so.
pub const EVENT_SOURCE_MAPPING_ACTIONS: &[&str] =
    &["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
// ANCHOR_END: shared

// ANCHOR: per_function
/// The producer sends accepted books and reads stored ones.
pub fn producer_actions() -> BTreeSet<&'static str> {
    // ANCHOR: task_actions the producer sends books and reads them back, and writes its logs: concat the lists declared next to those calls
    [queue::SEND_ACTIONS, store::GET_ACTIONS, LOG_ACTIONS].concat().into_iter().collect()
    // ANCHOR_END: task_actions
}

/// The consumer receives batches and stores them.
pub fn consumer_actions() -> BTreeSet<&'static str> {
    // ANCHOR: task_actions_consumer the consumer receives, stores and deletes batches, and writes its logs: concat the lists declared next to those calls
    [receive::RECEIVE_ACTIONS, EVENT_SOURCE_MAPPING_ACTIONS, store::PUT_ALL_ACTIONS, LOG_ACTIONS]
        .concat()
        .into_iter()
        .collect()
    // ANCHOR_END: task_actions_consumer
}
// ANCHOR_END: per_function
