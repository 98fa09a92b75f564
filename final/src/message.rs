//! The queue message: a versioned envelope around an accepted book.
//!
//! The producer and the consumer deploy separately, so the message carries its schema version;
//! a consumer refuses a version it does not know rather than guessing. And the queue takes
//! whatever anyone allowed to send to it sends, so the consumer checks the book again, by the
//! producer's rules, before it stores it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::book::{Book, Invalid};

/// The schema version this code writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

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
    /// Who submitted the book: the caller's token `sub`, behind the API's authorizer. Optional,
    /// so messages of a public API (and of earlier producers) read as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
}

/// Why a queue message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum UnreadableMessage {
    #[error("the message is not a book envelope: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("schema version {0} is not one this consumer knows ({SCHEMA_VERSION})")]
    UnknownVersion(u32),
    #[error("the book is not valid: {} {}", .0.field.as_deref().unwrap_or("its body"), .0.reason)]
    InvalidBook(#[from] Invalid),
}

impl BookMessage {
    pub fn new(book: Book, request_id: String) -> Self {
        BookMessage {
            schema_version: SCHEMA_VERSION,
            book,
            received_at: OffsetDateTime::now_utc(),
            request_id,
            submitted_by: None,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a BookMessage always serializes")
    }

    /// Reads a message, refusing an unknown version and a book the producer would have refused
    /// (the checked book is the one kept, normalized as the producer normalizes).
    pub fn from_json(body: &str) -> Result<Self, UnreadableMessage> {
        let mut message: BookMessage = serde_json::from_str(body)?;
        if message.schema_version != SCHEMA_VERSION {
            return Err(UnreadableMessage::UnknownVersion(message.schema_version));
        }
        let mut fields: Map<String, Value> = serde_json::from_value(serde_json::to_value(&message.book)?)?;
        fields.remove("id");
        message.book = Book::from_json(message.book.id, &fields, message.received_at.year() + 1)?;
        Ok(message)
    }
}
