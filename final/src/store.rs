//! The books table in DynamoDB: conditional writes for the consumer, reads for the API.
//!
//! Item attributes (stable; other tools may read them): `id` (S, the key), `title` (S),
//! `author` (S), `isbn` (S, optional), `year` (N, optional), `accepted_at` (N, nanoseconds
//! since the Unix epoch: when the producer accepted this version), `stored_at` (S, RFC 3339),
//! `request_id` (S, the producer's Lambda request id) and `submitted_by` (S, optional: the
//! caller's token `sub`).
//!
//! SQS delivers at least once and in no order, and a DLQ redrive can bring back a message days
//! later; so every write is conditional on being newer than what is stored. `accepted_at` is a
//! number because DynamoDB compares numbers as numbers: RFC 3339 strings with dropped fractional
//! zeros do not sort in time order.
//!
//! `BatchWriteItem` cannot carry a condition, so each book is its own conditional `PutItem`,
//! [`WRITES_IN_FLIGHT`] at a time. (`TransactWriteItems` can carry conditions, 100 to a call,
//! but costs twice the write capacity, fails as a whole when one condition fails, and conflicts
//! with concurrent writes to the same items.)

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::book::Book;
use crate::message::BookMessage;

// ANCHOR: actions
/// What [`BookStore::get`] calls; the iam module grants exactly this to the producer.
pub const GET_ACTIONS: &[&str] = &["dynamodb:GetItem"];
/// What [`BookStore::put_all`] calls; the iam module grants exactly this to the consumer.
pub const PUT_ALL_ACTIONS: &[&str] = &["dynamodb:PutItem"];
// ANCHOR_END: actions

/// Conditional writes in flight at once: enough to hide the round trips of a 100-record batch
/// (the consumer's, at a few milliseconds each), few enough to stay far below the 1,000 writes
/// per second one partition takes.
pub const WRITES_IN_FLIGHT: usize = 32;

/// Only a newer version replaces what is stored; an older or equal one is already superseded.
const NEWER_THAN_STORED: &str = "attribute_not_exists(id) OR accepted_at < :accepted_at";

/// A book as stored: the book's fields plus when and by which request it came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredBook {
    pub id: Uuid,
    pub title: String,
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isbn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// When the producer accepted this version, in nanoseconds since the Unix epoch.
    pub accepted_at: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub stored_at: OffsetDateTime,
    pub request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
}

impl StoredBook {
    pub fn new(message: BookMessage, stored_at: OffsetDateTime) -> Self {
        let accepted_at = unix_nanos(message.received_at);
        let Book { id, title, author, isbn, year } = message.book;
        let (request_id, submitted_by) = (message.request_id, message.submitted_by);
        StoredBook { id, title, author, isbn, year, accepted_at, stored_at, request_id, submitted_by }
    }

    pub fn book(&self) -> Book {
        Book {
            id: self.id,
            title: self.title.clone(),
            author: self.author.clone(),
            isbn: self.isbn.clone(),
            year: self.year,
        }
    }
}

/// Nanoseconds since the Unix epoch; an `i64` holds them until the year 2262.
fn unix_nanos(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB call failed: {0}")]
    Call(String),
    #[error("the stored item is not a book: {0}")]
    Corrupt(#[from] serde_dynamo::Error),
}

/// What became of a batch of writes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Books written.
    pub stored: usize,
    /// Books not written because a newer (or the same) version is already stored: done, not failed.
    pub superseded: usize,
    /// Ids that could not be written; SQS should deliver them again.
    pub failed: HashSet<Uuid>,
}

/// The books table.
#[derive(Clone, Debug)]
pub struct BookStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

enum Put {
    Stored,
    Superseded,
    Failed(Uuid),
}

impl BookStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        BookStore { client, table: table.into() }
    }

    /// The stored book with this id, if it is stored yet.
    pub async fn get(&self, id: Uuid) -> Result<Option<StoredBook>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("id", AttributeValue::S(id.to_string()))
            .send()
            .await
            .map_err(call_failed)?;
        Ok(output.item.map(serde_dynamo::from_item).transpose()?)
    }

    /// Writes every book that is newer than its stored version, [`WRITES_IN_FLIGHT`] at a time.
    /// The SDK retries throttled and failed calls; what still fails is returned.
    pub async fn put_all(&self, books: Vec<StoredBook>) -> Written {
        let mut written = Written::default();
        let mut tally = |put| match put {
            Put::Stored => written.stored += 1,
            Put::Superseded => written.superseded += 1,
            Put::Failed(id) => {
                written.failed.insert(id);
            }
        };
        let mut in_flight = JoinSet::new();
        for book in books {
            if in_flight.len() == WRITES_IN_FLIGHT
                && let Some(done) = in_flight.join_next().await
            {
                tally(joined(done));
            }
            let store = self.clone();
            in_flight.spawn(async move { store.put_if_newer(book).await });
        }
        while let Some(done) = in_flight.join_next().await {
            tally(joined(done));
        }
        written
    }

    async fn put_if_newer(&self, book: StoredBook) -> Put {
        let item: HashMap<String, AttributeValue> = match serde_dynamo::to_item(&book) {
            Ok(item) => item,
            Err(error) => {
                tracing::error!(%error, id = %book.id, "could not encode the book as an item");
                return Put::Failed(book.id);
            }
        };
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(NEWER_THAN_STORED)
            .expression_attribute_values(":accepted_at", AttributeValue::N(book.accepted_at.to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Put::Stored,
            Err(error)
                if error.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                tracing::info!(id = %book.id, "a newer version is already stored");
                Put::Superseded
            }
            Err(error) => {
                tracing::warn!(id = %book.id, error = %DisplayErrorContext(error), "PutItem failed");
                Put::Failed(book.id)
            }
        }
    }
}

/// A conditional `PutItem` refused because its condition did not hold: not a failure of the call.
pub(crate) fn is_condition_failure<R>(error: &SdkError<PutItemError, R>) -> bool {
    error.as_service_error().is_some_and(PutItemError::is_conditional_check_failed_exception)
}

/// A DynamoDB call that failed, with the SDK's whole chain of causes in its message.
pub(crate) fn call_failed<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StoreError::Call(DisplayErrorContext(error).to_string())
}

/// A write's outcome. A panicked write cannot say which id it held: resume the panic, so that
/// Lambda fails the invocation and SQS retries every record rather than losing one.
fn joined(done: Result<Put, tokio::task::JoinError>) -> Put {
    done.unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}
