//! What the integration tests share: a fresh queue and table on the emulator (or AWS in
//! memory, for the property tests), requests and events as Lambda delivers them, and SDK
//! interceptors that count or disturb AWS calls.

#![allow(dead_code)] // each test crate uses its own part of this module

mod fail_writes;
mod memory;

#[allow(unused_imports)] // only some test crates disturb DynamoDB
pub use fail_writes::FailWrites;

use std::marker::PhantomData;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_dynamodb::config::interceptors::FinalizerInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::types::AttributeValue;
use std::time::Duration;

use books::book::Book;
use books::idempotency::Idempotency;
use books::message::BookMessage;
use books::producer::Producer;
use books::queue::BookQueue;
use books::store::BookStore;
use lambda_http::request::LambdaRequest;
use lambda_http::{Request, RequestExt};
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{Value, json};

/// The request id every test invocation carries.
pub const REQUEST_ID: &str = "8a1c7e2e-request-id";

/// A fresh queue and table on the emulator.
pub struct Fixture {
    pub sdk: aws_config::SdkConfig,
    pub sqs: aws_sdk_sqs::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub queue_url: String,
    pub table: String,
    pub idempotency_table: String,
}

impl Fixture {
    pub async fn new() -> Self {
        let sdk = emulator::sdk_config().await;
        let (sqs, dynamodb) = (aws_sdk_sqs::Client::new(&sdk), aws_sdk_dynamodb::Client::new(&sdk));
        let table = emulator::fresh_table(&dynamodb).await;
        let idempotency_table = emulator::fresh_table(&dynamodb).await;
        let created = sqs.create_queue().queue_name(&table).send().await;
        let queue_url = created.expect("queue created").queue_url.expect("a URL");
        Fixture { sdk, sqs, dynamodb, queue_url, table, idempotency_table }
    }

    /// A queue and tables in memory (see `memory.rs`): what the producer sends is taken, and
    /// nothing is ever found; [`Fixture::queued`] and [`Fixture::item`] have nothing to read.
    pub async fn in_memory() -> Self {
        let sdk = memory::sdk_config().await;
        let (sqs, dynamodb) = (aws_sdk_sqs::Client::new(&sdk), aws_sdk_dynamodb::Client::new(&sdk));
        let queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/books".to_owned();
        let (table, idempotency_table) = ("books".to_owned(), "idempotency".to_owned());
        Fixture { sdk, sqs, dynamodb, queue_url, table, idempotency_table }
    }

    pub fn queue(&self) -> BookQueue {
        BookQueue::new(self.sqs.clone(), &self.queue_url)
    }

    pub fn store(&self) -> BookStore {
        BookStore::new(self.dynamodb.clone(), &self.table)
    }

    pub fn idempotency(&self) -> Idempotency {
        Idempotency::new(self.dynamodb.clone(), &self.idempotency_table, Duration::from_secs(24 * 60 * 60))
    }

    /// The producer on this fixture's queue and tables.
    pub fn producer(&self) -> Producer {
        Producer::new(self.queue(), self.store(), self.idempotency())
    }

    /// The queue, with every call going through `interceptor`.
    pub fn queue_with(&self, interceptor: impl Intercept + 'static) -> BookQueue {
        let config = aws_sdk_sqs::config::Builder::from(&self.sdk).interceptor(interceptor).build();
        BookQueue::new(aws_sdk_sqs::Client::from_conf(config), &self.queue_url)
    }

    /// The store, with every call going through `interceptor`.
    pub fn store_with(&self, interceptor: impl Intercept + 'static) -> BookStore {
        let config = aws_sdk_dynamodb::config::Builder::from(&self.sdk).interceptor(interceptor).build();
        BookStore::new(aws_sdk_dynamodb::Client::from_conf(config), &self.table)
    }

    /// Every message on the queue now (up to 10), as the consumer would read it.
    pub async fn queued(&self) -> Vec<Value> {
        let received = self
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .send()
            .await
            .expect("the queue can be read");
        received
            .messages()
            .iter()
            .map(|m| serde_json::from_str(m.body().unwrap_or_default()).expect("JSON"))
            .collect()
    }

    /// The raw item stored for `id`, in DynamoDB's JSON notation.
    pub async fn item(&self, id: uuid::Uuid) -> Option<Value> {
        let output = self
            .dynamodb
            .get_item()
            .table_name(&self.table)
            .key("id", AttributeValue::S(id.to_string()))
            .send()
            .await
            .expect("the table can be read");
        output.item.map(|item| {
            Value::Object(item.into_iter().map(|(name, value)| (name, dynamodb_json(&value))).collect())
        })
    }
}

fn dynamodb_json(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        other => json!({ "other": format!("{other:?}") }),
    }
}

/// A request as API Gateway (HTTP API, payload 2.0) delivers it, read by `lambda_http` as on
/// Lambda, with an invocation context.
pub fn api_request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Request {
    let mut builder = lambda_http::http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "abc123.execute-api.us-east-1.amazonaws.com");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let (parts, ()) = builder.body(()).expect("a valid request").into_parts();
    let event = lambda_local::http_front::api_gateway_event(
        &parts,
        body.as_bytes(),
        SocketAddr::from((Ipv4Addr::new(203, 0, 113, 7), 40_000)),
    );
    let request: LambdaRequest = serde_json::from_value(event).expect("lambda_http reads the event");
    let mut context = Context::default();
    context.request_id = REQUEST_ID.into();
    Request::from(request).with_lambda_context(context)
}

/// An SQS event with one record per body, message ids `message-0`, `message-1`, …
pub fn sqs_event(bodies: &[String]) -> LambdaEvent<SqsEvent> {
    let mut event = SqsEvent::default();
    event.records = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let mut record = SqsMessage::default();
            record.message_id = Some(format!("message-{i}"));
            record.body = Some(body.clone());
            record
        })
        .collect();
    LambdaEvent::new(event, Context::default())
}

/// The id the tests give the book they call `label`: the same label, the same book.
pub fn id_of(label: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, label.as_bytes())
}

/// The message the producer would queue for this title, for the book `label` names.
pub fn message(title: &str, label: &str) -> BookMessage {
    let object = json!({ "title": title, "author": "Ursula K. Le Guin" });
    let book = Book::from_json(id_of(label), object.as_object().expect("an object"), 2100).expect("valid");
    BookMessage::new(book, REQUEST_ID.into())
}

/// Counts the calls that succeeded with an output of type `O` (e.g. `SendMessageOutput`).
#[derive(Debug)]
pub struct CountOutputs<O> {
    count: Arc<AtomicUsize>,
    output: PhantomData<fn() -> O>,
}

impl<O> CountOutputs<O> {
    pub fn new() -> (Self, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        (CountOutputs { count: count.clone(), output: PhantomData }, count)
    }
}

impl<O: std::fmt::Debug + Send + Sync + 'static> Intercept for CountOutputs<O> {
    fn name(&self) -> &'static str {
        "CountOutputs"
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Ok(output)) = context.output_or_error()
            && output.downcast_ref::<O>().is_some()
        {
            self.count.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}
