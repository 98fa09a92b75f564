//! The books table: one item per book, written with `PutItem` and read with `GetItem`.
//!
//! Item attributes: `id` (S, the key), `title` (S), `author` (S), `isbn` (S, optional),
//! `year` (N, optional). `serde_dynamo` maps the `Book` struct to them and back.

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::AttributeValue;
use uuid::Uuid;

use crate::book::Book;

// ANCHOR: store
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB call failed: {0}")]
    Call(String),
    #[error("the item is not a book: {0}")]
    Item(#[from] serde_dynamo::Error),
}

/// The books table.
#[derive(Clone, Debug)]
pub struct BookStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}
// ANCHOR_END: store

impl BookStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        BookStore { client, table: table.into() }
    }

    // ANCHOR: put
    /// Stores a book; storing it again replaces it (the id is the key).
    pub async fn put(&self, book: &Book) -> Result<(), StoreError> {
        // ANCHOR: task_put write the book as one item with PutItem: serde_dynamo::to_item(book), then table_name, set_item, send().await, errors into StoreError::Call
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(serde_dynamo::to_item(book)?))
            .send()
            .await
            .map_err(|e| StoreError::Call(DisplayErrorContext(e).to_string()))?;
        Ok(())
        // ANCHOR_END: task_put
    }
    // ANCHOR_END: put

    // ANCHOR: get
    /// The book with this id, if one is stored.
    pub async fn get(&self, id: Uuid) -> Result<Option<Book>, StoreError> {
        // ANCHOR: task_get read the item whose key "id" is AttributeValue::S(id.to_string()) with GetItem; no item is Ok(None), an item becomes a Book with serde_dynamo::from_item
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("id", AttributeValue::S(id.to_string()))
            .send()
            .await
            .map_err(|e| StoreError::Call(DisplayErrorContext(e).to_string()))?;
        Ok(output.item.map(serde_dynamo::from_item).transpose()?)
        // ANCHOR_END: task_get
    }
    // ANCHOR_END: get
}
