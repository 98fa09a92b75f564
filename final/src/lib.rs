//! Books: the reference system of the workshop.
//!
//! `POST /books` validates a book and queues it; the consumer takes batches off the queue and
//! stores them in DynamoDB; `GET /books/{id}` reads them back. Each module has one job, and the
//! handlers take their AWS clients as arguments, so the same code runs on Lambda, in the tests
//! and in the local stack.

pub mod book;
pub mod config;
pub mod consumer;
pub mod iam;
pub mod idempotency;
#[cfg(feature = "local")]
pub mod local;
pub mod logs;
pub mod message;
pub mod metrics;
pub mod producer;
pub mod queue;
pub mod store;
