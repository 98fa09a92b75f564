//! Sending accepted books to SQS.

use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::MessageAttributeValue;

use crate::message::BookMessage;

/// What [`BookQueue::send`] calls; the iam module grants exactly this to the producer.
pub const SEND_ACTIONS: &[&str] = &["sqs:SendMessage"];

/// The queue between the producer and the consumer.
#[derive(Clone, Debug)]
pub struct BookQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

/// The queue did not take the message; the client may retry.
#[derive(Debug, thiserror::Error)]
#[error("could not send to the queue: {0}")]
pub struct SendFailed(String);

impl BookQueue {
    pub fn new(client: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        BookQueue { client, url: url.into() }
    }

    /// Sends one message; its schema version also travels as a message attribute, so a
    /// reader of the queue or the DLQ can tell versions apart without parsing the body.
    pub async fn send(&self, message: &BookMessage) -> Result<(), SendFailed> {
        let version = MessageAttributeValue::builder()
            .data_type("Number")
            .string_value(message.schema_version.to_string())
            .build()
            .expect("data type is set");
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(message.to_json())
            .message_attributes("schema_version", version)
            .send()
            .await
            .map_err(|e| SendFailed(DisplayErrorContext(e).to_string()))?;
        Ok(())
    }
}
