//! Step 05: the HTTP API.
//!
//! API Gateway stands in front of the producer, which becomes an HTTP handler with
//! `lambda_http`: it routes `POST /books` and `GET /books/{id}`, answers what the client got
//! wrong with a 4xx, and accepts a book with `202 Accepted` and a `Location` to poll.

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
