//! The queue message: a versioned envelope around an accepted book.
//!
//! The producer and the consumer deploy separately, so the message carries its schema version;
//! a consumer refuses a version it does not know rather than guessing.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::book::Book;

/// The schema version this code writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

// ANCHOR: envelope
/// What the producer puts on the queue for each accepted book.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookMessage {
    pub schema_version: u32,
    pub book: Book,
    /// When the producer accepted the book.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// The Lambda request id of the producer invocation, to follow a book through the logs.
    pub request_id: String,
}
// ANCHOR_END: envelope

// ANCHOR: unreadable
/// Why a queue message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum UnreadableMessage {
    #[error("the message is not a book envelope: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("schema version {0} is not one this consumer knows ({SCHEMA_VERSION})")]
    UnknownVersion(u32),
}
// ANCHOR_END: unreadable

impl BookMessage {
    pub fn new(book: Book, request_id: String) -> Self {
        BookMessage {
            schema_version: SCHEMA_VERSION,
            book,
            received_at: OffsetDateTime::now_utc(),
            request_id,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a BookMessage always serializes")
    }

    pub fn from_json(body: &str) -> Result<Self, UnreadableMessage> {
        // ANCHOR: task_read parse body with serde_json::from_str, then refuse any schema_version but SCHEMA_VERSION with UnreadableMessage::UnknownVersion
        let message: BookMessage = serde_json::from_str(body)?;
        match message.schema_version {
            SCHEMA_VERSION => Ok(message),
            other => Err(UnreadableMessage::UnknownVersion(other)),
        }
        // ANCHOR_END: task_read
    }
}
