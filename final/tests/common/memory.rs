//! AWS in memory, for the property tests: an HTTP client for the SDK that answers the calls
//! the producer makes as SQS and DynamoDB answer a first call (the message taken, the item
//! written, nothing found), without a socket or an emulator.
//!
//! The properties send hundreds of thousands of requests in `cargo xtask fuzz`, and all but a
//! few never reach AWS, or reach it only to be told yes. What SQS checks of a message (its size,
//! the characters it allows) is checked here too, so a message AWS would refuse fails here as
//! well; everything else AWS does is the emulator's to show, in the other tests.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;
use serde_json::{Value, json};

/// SQS's largest message body: 1 MiB.
const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// An SDK configuration whose every call is answered by [`MemoryAws`].
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new("memory", "memory", None, None, "memory"))
        .http_client(SharedHttpClient::new(MemoryAws))
        .load()
        .await
}

#[derive(Clone, Debug)]
struct MemoryAws;

impl HttpClient for MemoryAws {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        self.clone().into_shared()
    }
}

impl HttpConnector for MemoryAws {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request.headers().get("x-amz-target").unwrap_or_default();
        let input: Value =
            request.body().bytes().and_then(|body| serde_json::from_slice(body).ok()).unwrap_or_default();
        let (status, answer) = match target {
            "AmazonSQS.SendMessage" => {
                match message_refused(input["MessageBody"].as_str().unwrap_or_default()) {
                    None => (200, json!({ "MessageId": uuid::Uuid::new_v4().to_string() })),
                    Some(why) => {
                        (400, json!({ "__type": "com.amazonaws.sqs#InvalidMessageContents", "message": why }))
                    }
                }
            }
            // Nothing stored yet: a read finds nothing, and a conditional write succeeds.
            "DynamoDB_20120810.GetItem" | "DynamoDB_20120810.PutItem" => (200, json!({})),
            other => panic!("AWS in memory does not answer {other:?}: run this test on the emulator"),
        };
        let mut response =
            HttpResponse::new(status.try_into().expect("a status"), SdkBody::from(answer.to_string()));
        response.headers_mut().insert("content-type", "application/x-amz-json-1.0");
        HttpConnectorFuture::ready(Ok(response))
    }
}

/// Why SQS would refuse `body`: empty, over 1 MiB, or a character outside those it allows
/// (#x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF).
fn message_refused(body: &str) -> Option<String> {
    let allowed = |c: char| matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    match body {
        "" => Some("the message body is empty".into()),
        body if body.len() > MAX_MESSAGE_BYTES => {
            Some(format!("the message body is {} bytes, over 1 MiB", body.len()))
        }
        body => body
            .chars()
            .find(|c| !allowed(*c))
            .map(|c| format!("invalid character {:?} in the message body", c)),
    }
}
