//! Taking a batch off the queue and storing it: what the consumer Lambda will do in step 04,
//! as a plain function for now.

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;

use crate::message::BookMessage;
use crate::store::BookStore;

// ANCHOR: outcome
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
// ANCHOR_END: outcome

// ANCHOR: receive_and_store
/// Receives up to 10 messages (waiting up to `wait_seconds` for the first), stores each book,
/// and deletes exactly the messages whose book was stored.
pub async fn receive_and_store(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    store: &BookStore,
    wait_seconds: i32,
) -> Result<BatchOutcome, ReceiveError> {
    // ANCHOR: task_receive ReceiveMessage (up to 10, waiting wait_seconds), store each readable book with store.put, DeleteMessageBatch exactly the stored ones, count stored and failed
    let received = sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(wait_seconds)
        .send()
        .await
        .map_err(|e| ReceiveError(DisplayErrorContext(e).to_string()))?;
    let mut outcome = BatchOutcome::default();
    let mut done = Vec::new();
    for message in received.messages() {
        let stored = match BookMessage::from_json(message.body().unwrap_or_default()) {
            Ok(envelope) => store.put(&envelope.book).await.map_err(|e| e.to_string()),
            Err(unreadable) => Err(unreadable.to_string()),
        };
        match stored {
            Ok(()) => {
                outcome.stored += 1;
                let entry = DeleteMessageBatchRequestEntry::builder()
                    .id(done.len().to_string())
                    .set_receipt_handle(message.receipt_handle().map(str::to_owned))
                    .build()
                    .expect("id and receipt handle are set");
                done.push(entry);
            }
            Err(why) => {
                outcome.failed += 1;
                tracing::warn!(message_id = message.message_id(), %why, "message left on the queue");
            }
        }
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
    // ANCHOR_END: task_receive
}
// ANCHOR_END: receive_and_store
