//! The consumer function: stores the books of an SQS batch, reporting per record what failed.
//!
//! Lambda's event source mapping receives the batch, invokes this handler, and deletes the
//! records it does not report in `batchItemFailures` (the mapping is configured with
//! `ReportBatchItemFailures`). Reported records come back after the visibility timeout and,
//! after the queue's `maxReceiveCount`, move to the dead-letter queue; a function error
//! retries the whole batch.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{Error, LambdaEvent};

use crate::book::Book;
use crate::message::BookMessage;
use crate::store::BookStore;

#[derive(Clone, Debug)]
pub struct Consumer {
    store: BookStore,
}

impl Consumer {
    pub fn new(store: BookStore) -> Self {
        Consumer { store }
    }

    // ANCHOR: handle
    pub async fn handle(&self, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, Error> {
        // ANCHOR: task_consumer read each record's body as a BookMessage (unreadable: report its message_id), store the books with put_all, and answer an SqsBatchResponse naming exactly the records not stored
        let mut failed: Vec<String> = Vec::new();
        let mut readable: Vec<(String, Book)> = Vec::new();
        for record in event.payload.records {
            let message_id = record.message_id.unwrap_or_default();
            match BookMessage::from_json(record.body.as_deref().unwrap_or_default()) {
                Ok(message) => readable.push((message_id, message.book)),
                Err(unreadable) => {
                    tracing::warn!(%message_id, %unreadable, "unreadable record");
                    failed.push(message_id);
                }
            }
        }
        // One write per book: the same book can arrive twice, and a batch may not write a key twice.
        let mut books: Vec<Book> = readable.iter().map(|(_, book)| book.clone()).collect();
        books.sort_by_key(|book| book.id);
        books.dedup_by_key(|book| book.id);
        let unstored = self.store.put_all(&books).await?;
        failed.extend(
            readable
                .into_iter()
                .filter(|(_, book)| unstored.contains(&book.id))
                .map(|(message_id, _)| message_id),
        );
        tracing::info!(stored = books.len() - unstored.len(), failed = failed.len(), "batch done");
        let mut response = SqsBatchResponse::default();
        for item_identifier in failed {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = item_identifier;
            response.batch_item_failures.push(failure);
        }
        Ok(response)
        // ANCHOR_END: task_consumer
    }
    // ANCHOR_END: handle
}
