//! Step 03: least privilege.
//!
//! Each function gets a role that allows exactly the AWS actions its code calls. The actions are
//! declared next to the calls (`SEND_ACTIONS`, `GET_ACTIONS`, …), gathered per function in
//! [`iam`], and a test checks that the Terraform iam module grants exactly those. Storing now
//! uses `BatchWriteItem`, the call the consumer Lambda makes from step 04 on.

// ANCHOR: modules
pub mod book;
pub mod iam;
pub mod message;
pub mod queue;
pub mod receive;
pub mod store;
// ANCHOR_END: modules
