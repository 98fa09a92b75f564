//! Step 01: a book, the rules it must follow, and a DynamoDB table to keep it in.
//!
//! No Lambda and no queue yet: this step is the domain and its storage, tested against the
//! local emulator.

// ANCHOR: modules
pub mod book;
pub mod store;
// ANCHOR_END: modules
