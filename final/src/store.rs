//! The books table in DynamoDB: batch writes for the consumer, reads for the API.
//!
//! Item attributes (stable; other tools may read them): `id` (S, the key), `title` (S),
//! `author` (S), `isbn` (S, optional), `year` (N, optional), `received_at` and `stored_at`
//! (S, RFC 3339), `request_id` (S, the producer's Lambda request id).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::book::Book;
use crate::message::BookMessage;

/// DynamoDB takes at most this many writes in one `BatchWriteItem`.
pub const BATCH_WRITE_LIMIT: usize = 25;

/// Attempts per chunk before its unprocessed items are given up (and retried by SQS instead).
const WRITE_ATTEMPTS: u32 = 5;

/// The first back-off after a throttled chunk; it doubles on each attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(50);

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
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub stored_at: OffsetDateTime,
    pub request_id: String,
}

impl StoredBook {
    pub fn new(message: BookMessage, stored_at: OffsetDateTime) -> Self {
        let Book { id, title, author, isbn, year } = message.book;
        StoredBook {
            id,
            title,
            author,
            isbn,
            year,
            received_at: message.received_at,
            stored_at,
            request_id: message.request_id,
        }
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

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB call failed: {0}")]
    Call(String),
    #[error("the stored item is not a book: {0}")]
    Corrupt(#[from] serde_dynamo::Error),
}

/// The books table.
#[derive(Clone, Debug)]
pub struct BookStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
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
            .map_err(|e| StoreError::Call(DisplayErrorContext(e).to_string()))?;
        Ok(output.item.map(serde_dynamo::from_item).transpose()?)
    }

    /// Writes every book, in chunks of [`BATCH_WRITE_LIMIT`] sent concurrently, and returns
    /// the ids that could not be written. Ids must be distinct (DynamoDB refuses a batch
    /// that writes one key twice).
    pub async fn put_all(&self, books: Vec<StoredBook>) -> HashSet<Uuid> {
        let mut chunks = JoinSet::new();
        let mut failed = HashSet::new();
        for chunk in books.chunks(BATCH_WRITE_LIMIT) {
            let requests: Result<Vec<WriteRequest>, _> = chunk.iter().map(write_request).collect();
            match requests {
                Ok(requests) => {
                    let store = self.clone();
                    chunks.spawn(async move { store.write_chunk(requests).await });
                }
                Err(error) => {
                    tracing::error!(%error, "could not encode books as items");
                    failed.extend(chunk.iter().map(|book| book.id));
                }
            }
        }
        while let Some(joined) = chunks.join_next().await {
            // A panicked chunk cannot say which ids it held: fail the whole call so that
            // SQS retries every record rather than losing one.
            match joined {
                Ok(unwritten) => failed.extend(unwritten),
                Err(panic) => std::panic::resume_unwind(panic.into_panic()),
            }
        }
        failed
    }

    /// Writes one chunk, retrying `UnprocessedItems` with exponential back-off; returns the
    /// ids still unwritten at the end.
    async fn write_chunk(&self, mut pending: Vec<WriteRequest>) -> Vec<Uuid> {
        let mut backoff = FIRST_BACKOFF;
        for attempt in 1..=WRITE_ATTEMPTS {
            let result =
                self.client.batch_write_item().request_items(&self.table, pending.clone()).send().await;
            match result {
                Ok(output) => {
                    pending = output
                        .unprocessed_items
                        .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                        .unwrap_or_default();
                    if pending.is_empty() {
                        return Vec::new();
                    }
                    tracing::warn!(attempt, unprocessed = pending.len(), "DynamoDB left items unprocessed");
                }
                Err(error) => {
                    let error = DisplayErrorContext(error);
                    tracing::warn!(attempt, %error, "BatchWriteItem failed");
                }
            }
            if attempt < WRITE_ATTEMPTS {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            }
        }
        pending.iter().filter_map(written_id).collect()
    }
}

fn write_request(book: &StoredBook) -> Result<WriteRequest, serde_dynamo::Error> {
    let item: HashMap<String, AttributeValue> = serde_dynamo::to_item(book)?;
    let put = PutRequest::builder().set_item(Some(item)).build().expect("item is set");
    Ok(WriteRequest::builder().put_request(put).build())
}

fn written_id(request: &WriteRequest) -> Option<Uuid> {
    let id = request.put_request.as_ref()?.item.get("id")?.as_s().ok()?;
    id.parse().ok()
}
