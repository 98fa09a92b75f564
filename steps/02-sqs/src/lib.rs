//! Step 02: a queue between accepting a book and storing it.
//!
//! Accepting a book now means sending a versioned message to SQS; storing it means receiving
//! a batch, writing each book, and deleting only what was written. A message that keeps
//! failing goes to the dead-letter queue. Plain functions still: Lambda comes in step 04.

// ANCHOR: modules
pub mod book;
pub mod message;
pub mod queue;
pub mod receive;
pub mod store;
// ANCHOR_END: modules
