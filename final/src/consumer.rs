//! The consumer function: takes a batch of queued books and stores them.
//!
//! It answers with a partial batch response: only the records it could not read or write are
//! reported, so SQS retries those alone and, after the queue's `maxReceiveCount`, moves them
//! to the dead-letter queue. Everything else in the batch is stored, unless a newer version of
//! the same book already is: SQS keeps no order, so the store writes only what is newer.

use std::collections::HashMap;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_runtime::{Error, LambdaEvent};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::message::BookMessage;
use crate::metrics::Metrics;
use crate::store::{BookStore, StoredBook};

#[derive(Clone, Debug)]
pub struct Consumer {
    store: BookStore,
    metrics: Metrics,
}

impl Consumer {
    pub fn new(store: BookStore, metrics: Metrics) -> Self {
        Consumer { store, metrics }
    }

    pub async fn handle(&self, event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, Error> {
        let stored_at = OffsetDateTime::now_utc();
        let mut failed: Vec<String> = Vec::new();
        // One write per book: a batch can hold the same book twice (a retried POST, or a
        // redelivery), and the latest accepted version wins.
        let mut latest: HashMap<Uuid, (BookMessage, Vec<String>)> = HashMap::new();
        for record in event.payload.records {
            let message_id = record.message_id.unwrap_or_default();
            match BookMessage::from_json(record.body.as_deref().unwrap_or_default()) {
                Ok(message) => {
                    let (kept, message_ids) =
                        latest.entry(message.book.id).or_insert_with(|| (message.clone(), Vec::new()));
                    if message.received_at >= kept.received_at {
                        *kept = message;
                    }
                    message_ids.push(message_id);
                }
                Err(error) => {
                    tracing::warn!(%message_id, %error, "unreadable message");
                    failed.push(message_id);
                }
            }
        }
        let (books, mut message_ids): (Vec<StoredBook>, HashMap<Uuid, Vec<String>>) = latest
            .into_values()
            .map(|(message, ids)| {
                let id = message.book.id;
                (StoredBook::new(message, stored_at), (id, ids))
            })
            .unzip();
        let written = self.store.put_all(books).await;
        for id in &written.failed {
            failed.extend(message_ids.remove(id).unwrap_or_default());
        }
        tracing::info!(
            stored = written.stored,
            superseded = written.superseded,
            failed = failed.len(),
            "batch done"
        );
        self.metrics.batch_done(written.stored, failed.len());
        let mut response = SqsBatchResponse::default();
        response.batch_item_failures = failed
            .into_iter()
            .map(|item_identifier| {
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = item_identifier;
                failure
            })
            .collect();
        Ok(response)
    }
}
