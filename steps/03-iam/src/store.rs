//! The books table: one item per book, written in batches with `BatchWriteItem` and read with
//! `GetItem`. Each call's IAM action is declared next to it: step 03's least-privilege roles
//! are built from these lists.
//!
//! Item attributes: `id` (S, the key), `title` (S), `author` (S), `isbn` (S, optional),
//! `year` (N, optional). `serde_dynamo` maps the `Book` struct to them and back.

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use uuid::Uuid;

use crate::book::Book;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB call failed: {0}")]
    Call(String),
    #[error("the item is not a book: {0}")]
    Item(#[from] serde_dynamo::Error),
}

// ANCHOR: actions
/// The IAM actions [`BookStore::put_all`] calls.
pub const PUT_ALL_ACTIONS: &[&str] = &["dynamodb:BatchWriteItem"];
/// The IAM actions [`BookStore::get`] calls.
pub const GET_ACTIONS: &[&str] = &["dynamodb:GetItem"];
// ANCHOR_END: actions

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

    // ANCHOR: put_all
    /// Stores books in batches of 25 (the most one `BatchWriteItem` takes), retrying what
    /// DynamoDB leaves unprocessed; returns the ids it could not store. Ids must be distinct.
    pub async fn put_all(&self, books: &[Book]) -> Result<Vec<Uuid>, StoreError> {
        // ANCHOR: task_batch for each chunk of 25 books, BatchWriteItem PutRequests, resend what comes back as UnprocessedItems (3 tries), return the ids still unprocessed
        let mut unstored: Vec<Uuid> = Vec::new();
        for chunk in books.chunks(25) {
            let mut pending = chunk
                .iter()
                .map(|book| {
                    let item = serde_dynamo::to_item(book)?;
                    let put = PutRequest::builder().set_item(Some(item)).build().expect("item is set");
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            for _attempt in 0..3 {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(|e| StoreError::Call(DisplayErrorContext(e).to_string()))?;
                pending = output
                    .unprocessed_items
                    .and_then(|mut left| left.remove(&self.table))
                    .unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
            }
            unstored.extend(pending.iter().filter_map(|request| {
                let id = request.put_request.as_ref()?.item.get("id")?.as_s().ok()?;
                id.parse::<Uuid>().ok()
            }));
        }
        Ok(unstored)
        // ANCHOR_END: task_batch
    }
    // ANCHOR_END: put_all

    // ANCHOR: get
    /// The book with this id, if one is stored.
    pub async fn get(&self, id: Uuid) -> Result<Option<Book>, StoreError> {
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
    // ANCHOR_END: get
}
