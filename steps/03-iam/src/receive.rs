//! Taking a batch off the queue and storing it: what the consumer Lambda will do in step 04,
//! as a plain function for now.

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;

use crate::book::Book;
use crate::message::BookMessage;
use crate::store::BookStore;

/// The IAM actions [`receive_and_store`] calls itself; it also stores with
/// [`BookStore::put_all`] (see [`crate::store::PUT_ALL_ACTIONS`]).
pub const RECEIVE_ACTIONS: &[&str] = &["sqs:ReceiveMessage", "sqs:DeleteMessage"];

/// What happened to one batch.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Messages whose book is stored (and which were deleted from the queue).
    pub stored: usize,
    /// Messages left on the queue: unreadable or not stored. They come back after the
    /// visibility timeout, and after `maxReceiveCount` receives SQS moves them to the DLQ.
    pub failed: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("SQS call failed: {0}")]
pub struct ReceiveError(String);

// ANCHOR: receive_and_store
/// Receives up to 10 messages (waiting up to `wait_seconds` for the first), stores their books
/// in one batch, and deletes exactly the messages whose book was stored.
pub async fn receive_and_store(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    store: &BookStore,
    wait_seconds: i32,
) -> Result<BatchOutcome, ReceiveError> {
    let received = sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(wait_seconds)
        .send()
        .await
        .map_err(|e| ReceiveError(DisplayErrorContext(e).to_string()))?;
    let mut outcome = BatchOutcome::default();
    let mut readable = Vec::new();
    for message in received.messages() {
        match BookMessage::from_json(message.body().unwrap_or_default()) {
            Ok(envelope) => readable.push((message, envelope.book)),
            Err(unreadable) => {
                outcome.failed += 1;
                tracing::warn!(message_id = message.message_id(), %unreadable, "message left on the queue");
            }
        }
    }
    // One write per book: the same book can arrive twice, and a batch may not write a key twice.
    let mut books: Vec<Book> = readable.iter().map(|(_, book)| book.clone()).collect();
    books.sort_by_key(|book| book.id);
    books.dedup_by_key(|book| book.id);
    let unstored = store.put_all(&books).await.map_err(|e| ReceiveError(e.to_string()))?;
    let mut done = Vec::new();
    for (message, book) in readable {
        if unstored.contains(&book.id) {
            outcome.failed += 1;
            continue;
        }
        outcome.stored += 1;
        let entry = DeleteMessageBatchRequestEntry::builder()
            .id(done.len().to_string())
            .set_receipt_handle(message.receipt_handle().map(str::to_owned))
            .build()
            .expect("id and receipt handle are set");
        done.push(entry);
    }
    if !done.is_empty() {
        sqs.delete_message_batch()
            .queue_url(queue_url)
            .set_entries(Some(done))
            .send()
            .await
            .map_err(|e| ReceiveError(DisplayErrorContext(e).to_string()))?;
    }
    Ok(outcome)
}
// ANCHOR_END: receive_and_store
