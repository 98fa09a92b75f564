//! A stand-in for Lambda's SQS event source mapping.
//!
//! Like the mapping, it long-polls the queue, gathers up to the batch size within the
//! batching window, hands the handler the `SqsEvent` Lambda would, and then deletes the
//! records that did not fail (`ReportBatchItemFailures`). When the handler errors, panics or
//! times out it deletes nothing: the whole batch comes back after the queue's visibility
//! timeout, and the queue's own redrive policy moves repeat failures to the dead-letter queue.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::{
    DeleteMessageBatchRequestEntry, Message, MessageSystemAttributeName, QueueAttributeName,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use lambda_runtime::{Error, LambdaEvent};

use crate::Handler;
use serde_json::{Map, Value, json};

/// SQS returns at most this many messages per `ReceiveMessage`.
const RECEIVE_LIMIT: usize = 10;
/// The longest long poll SQS allows.
const LONG_POLL_SECONDS: i32 = 20;
/// The pause after a failed poll (the emulator may be restarting).
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// The queue and the mapping's settings.
#[derive(Clone, Debug)]
pub struct SqsEventSource {
    pub queue_url: String,
    pub function_name: String,
    pub batch_size: usize,
    pub batching_window: Duration,
    /// The function's timeout: a slower invocation fails the whole batch, as on Lambda.
    pub timeout: Duration,
}

impl SqsEventSource {
    /// Polls forever (until the task is dropped), invoking `handler` with each batch.
    pub async fn poll(
        &self,
        client: Client,
        region: String,
        handler: impl Handler<LambdaEvent<SqsEvent>, SqsBatchResponse>,
    ) -> Result<(), Error> {
        // A long poll outlasts the short timeouts the functions' own calls use.
        let long_poll = Duration::from_secs(LONG_POLL_SECONDS as u64 + 10);
        let timeouts = aws_sdk_sqs::config::timeout::TimeoutConfig::builder()
            .operation_timeout(long_poll)
            .operation_attempt_timeout(long_poll)
            .build();
        let client = Client::from_conf(client.config().to_builder().timeout_config(timeouts).build());
        let queue_arn = self.queue_arn(&client).await?;
        tracing::info!(queue = %self.queue_url, batch_size = self.batch_size, "polling the queue");
        loop {
            match self.receive_batch(&client).await {
                Ok(messages) if messages.is_empty() => {}
                Ok(messages) => self.invoke(&client, &region, &queue_arn, &messages, &handler).await,
                Err(error) => {
                    let error = DisplayErrorContext(error);
                    tracing::warn!(%error, "polling the queue failed; retrying");
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
            }
        }
    }

    async fn queue_arn(&self, client: &Client) -> Result<String, Error> {
        let attributes = client
            .get_queue_attributes()
            .queue_url(&self.queue_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(aws_sdk_sqs::Error::from)?;
        attributes
            .attributes
            .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
            .ok_or_else(|| format!("the queue {} has no ARN", self.queue_url).into())
    }

    /// Up to `batch_size` messages: the first long poll waits for any, then the batching
    /// window (counted from the first message) gathers more.
    async fn receive_batch(&self, client: &Client) -> Result<Vec<Message>, aws_sdk_sqs::Error> {
        let mut batch = Vec::new();
        let mut window_end: Option<Instant> = None;
        while batch.len() < self.batch_size {
            let wait_seconds = match window_end {
                None => LONG_POLL_SECONDS,
                Some(end) => {
                    let left = end.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    i32::try_from(left.as_secs_f64().ceil() as u64)
                        .unwrap_or(LONG_POLL_SECONDS)
                        .min(LONG_POLL_SECONDS)
                }
            };
            let wanted = (self.batch_size - batch.len()).min(RECEIVE_LIMIT);
            let received = client
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(i32::try_from(wanted).unwrap_or(10))
                .wait_time_seconds(wait_seconds)
                .message_system_attribute_names(MessageSystemAttributeName::All)
                .message_attribute_names("All")
                .send()
                .await?;
            let messages = received.messages.unwrap_or_default();
            if !messages.is_empty() && window_end.is_none() {
                window_end = Some(Instant::now() + self.batching_window);
            }
            batch.extend(messages);
        }
        Ok(batch)
    }

    async fn invoke(
        &self,
        client: &Client,
        region: &str,
        queue_arn: &str,
        messages: &[Message],
        handler: &impl Handler<LambdaEvent<SqsEvent>, SqsBatchResponse>,
    ) {
        let event = match sqs_event(messages, queue_arn, region) {
            Ok(event) => event,
            Err(error) => {
                tracing::error!(%error, "could not build the SQS event");
                return;
            }
        };
        let (context, span) = crate::invocation_context(&self.function_name, region, self.timeout);
        let response =
            match crate::invoke_guarded(self.timeout, span, handler.invoke(LambdaEvent::new(event, context)))
                .await
            {
                Ok(response) => response,
                Err(failure) => {
                    return tracing::error!(%failure, "invocation failed; the batch will be retried");
                }
            };
        let failed: HashSet<&str> =
            response.batch_item_failures.iter().map(|failure| failure.item_identifier.as_str()).collect();
        let ids: HashSet<&str> = messages.iter().filter_map(|m| m.message_id.as_deref()).collect();
        if !failed.is_subset(&ids) {
            // Lambda treats an identifier it cannot match as a failure of the whole batch.
            return tracing::error!(
                "batchItemFailures names a record not in the batch; the batch will be retried"
            );
        }
        let done: Vec<&Message> = messages
            .iter()
            .filter(|m| !failed.contains(m.message_id.as_deref().unwrap_or_default()))
            .collect();
        tracing::info!(records = messages.len(), failed = failed.len(), "batch processed");
        for chunk in done.chunks(RECEIVE_LIMIT) {
            if let Err(error) = self.delete(client, chunk).await {
                let error = DisplayErrorContext(error);
                tracing::warn!(%error, "could not delete processed messages; they will be delivered again");
            }
        }
    }

    async fn delete(&self, client: &Client, messages: &[&Message]) -> Result<(), aws_sdk_sqs::Error> {
        let entries = messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .set_receipt_handle(m.receipt_handle.clone())
                    .build()
                    .expect("id and receipt handle are set")
            })
            .collect();
        let output = client
            .delete_message_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await?;
        if !output.failed.is_empty() {
            tracing::warn!(failed = output.failed.len(), "some processed messages were not deleted");
        }
        Ok(())
    }
}

/// The event Lambda's SQS mapping delivers, in its wire format, read back by
/// `aws_lambda_events` exactly as the `lambda_runtime` client reads it on Lambda.
fn sqs_event(messages: &[Message], queue_arn: &str, region: &str) -> Result<SqsEvent, serde_json::Error> {
    let records: Vec<Value> = messages
        .iter()
        .map(|message| {
            let attributes: Map<String, Value> = message
                .attributes
                .iter()
                .flatten()
                .map(|(name, value)| (name.as_str().to_owned(), Value::from(value.as_str())))
                .collect();
            let message_attributes: Map<String, Value> = message
                .message_attributes
                .iter()
                .flatten()
                .map(|(name, value)| {
                    let binary = |blob: &aws_sdk_sqs::primitives::Blob| BASE64.encode(blob.as_ref());
                    let attribute = json!({
                        "stringValue": value.string_value,
                        "binaryValue": value.binary_value.as_ref().map(binary),
                        "stringListValues": value.string_list_values.iter().flatten().collect::<Vec<_>>(),
                        "binaryListValues": value.binary_list_values.iter().flatten().map(binary).collect::<Vec<_>>(),
                        "dataType": value.data_type,
                    });
                    (name.clone(), attribute)
                })
                .collect();
            json!({
                "messageId": message.message_id,
                "receiptHandle": message.receipt_handle,
                "body": message.body,
                "attributes": attributes,
                "messageAttributes": message_attributes,
                "md5OfBody": message.md5_of_body,
                "md5OfMessageAttributes": message.md5_of_message_attributes,
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            })
        })
        .collect();
    serde_json::from_value(json!({ "Records": records }))
}
