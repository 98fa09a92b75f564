//! The handlers against real SQS and DynamoDB APIs (the local emulator), each test on its own
//! fresh queue and table.

mod common;

use std::sync::atomic::Ordering;

use aws_sdk_sqs::operation::send_message::SendMessageOutput;
use books::consumer::Consumer;
use books::idempotency::{self, Claim, Key};
use books::message::BookMessage;
use books::metrics::Metrics;
use books::producer::Producer;
use common::{CountOutputs, FailWrites, Fixture, api_request, message, sqs_event};
use serde_json::{Value, json};

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn a_poison_record_is_reported_alone_and_the_rest_of_its_batch_is_stored() {
    let fixture = Fixture::new().await;
    let consumer = Consumer::new(fixture.store(), Metrics::new("consumer"));
    let first = message("A Wizard of Earthsea", "k1");
    let retried = message("A Wizard of Earthsea (2nd printing)", "k1");
    let other = message("The Dispossessed", "k2");
    let bodies = [first.to_json(), "{not json".to_owned(), retried.to_json(), other.to_json()];

    let response = consumer.handle(sqs_event(&bodies)).await.expect("the handler answers");

    let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    assert_eq!(failed, ["message-1"]);
    let stored = fixture.store().get(first.book.id).await.unwrap().expect("stored");
    assert_eq!(stored.title, retried.book.title, "the latest version of a book wins");
    assert!(fixture.store().get(other.book.id).await.unwrap().is_some());
}

#[tokio::test]
async fn hostile_records_are_each_reported_and_the_rest_of_the_batch_is_stored() {
    let fixture = Fixture::new().await;
    let consumer = Consumer::new(fixture.store(), Metrics::new("consumer"));
    let (first, last) = (message("The Lathe of Heaven", "k1"), message("Always Coming Home", "k2"));
    let envelope = |edit: &dyn Fn(&mut Value)| {
        let mut value: Value = serde_json::from_str(&message("Hostile", "k3").to_json()).unwrap();
        edit(&mut value);
        value.to_string()
    };
    let truncated = first.to_json()[..40].to_owned();
    let bodies = [
        first.to_json(),
        truncated,
        envelope(&|m| m["schema_version"] = json!(7)),
        format!("{{\"padding\":\"{}\"}}", "x".repeat(1024 * 1024)),
        envelope(&|m| m["book"]["title"] = json!("")),
        envelope(&|m| m["book"]["isbn"] = json!("0-441-17271-8")),
        envelope(&|m| m["book"]["year"] = json!(99_999)),
        envelope(&|m| m["book"]["id"] = json!("not-a-uuid")),
        envelope(&|m| m["received_at"] = json!("yesterday")),
        last.to_json(),
    ];

    let response = consumer.handle(sqs_event(&bodies)).await.expect("the handler answers");

    let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    let hostile: Vec<String> = (1..bodies.len() - 1).map(|i| format!("message-{i}")).collect();
    assert_eq!(failed, hostile, "every hostile record, and only those, is reported");
    assert!(fixture.store().get(first.book.id).await.unwrap().is_some());
    assert!(fixture.store().get(last.book.id).await.unwrap().is_some());
    let hostile_id = message("Hostile", "k3").book.id;
    assert!(fixture.store().get(hostile_id).await.unwrap().is_none(), "no hostile record was stored");
}

#[tokio::test]
async fn an_older_version_delivered_after_a_newer_one_never_overwrites_it() {
    let fixture = Fixture::new().await;
    let consumer = Consumer::new(fixture.store(), Metrics::new("consumer"));
    let older = message("The Word for World Is Forest", "k1");
    let mut newer = message("The Word for World is Forest", "k1");
    newer.received_at = older.received_at + time::Duration::milliseconds(1);

    for delivery in [&newer, &older, &newer] {
        let response = consumer.handle(sqs_event(&[delivery.to_json()])).await.expect("the handler answers");
        assert!(response.batch_item_failures.is_empty(), "a superseded version is done, not failed");
    }

    let stored = fixture.store().get(newer.book.id).await.unwrap().expect("stored");
    assert_eq!(stored.title, newer.book.title, "the version accepted last is the one stored");
}

#[tokio::test]
async fn a_write_that_fails_is_reported_and_stored_when_delivered_again() {
    let fixture = Fixture::new().await;
    let failing = Consumer::new(fixture.store_with(FailWrites::every(1)), Metrics::new("consumer"));
    let messages: Vec<BookMessage> =
        (0..4).map(|i| message(&format!("Book {i}"), &format!("key-{i}"))).collect();
    let bodies: Vec<String> = messages.iter().map(BookMessage::to_json).collect();

    let response = failing.handle(sqs_event(&bodies)).await.expect("the handler answers");
    let failed: Vec<String> =
        response.batch_item_failures.iter().map(|f| f.item_identifier.clone()).collect();
    assert_eq!(failed.len(), 4, "every write fails, and each book is reported: {failed:?}");

    let again: Vec<String> = failed
        .iter()
        .map(|id| bodies[id.trim_start_matches("message-").parse::<usize>().unwrap()].clone())
        .collect();
    let response =
        Consumer::new(fixture.store(), Metrics::new("consumer")).handle(sqs_event(&again)).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    for message in &messages {
        assert!(
            fixture.store().get(message.book.id).await.unwrap().is_some(),
            "{} not stored",
            message.book.title
        );
    }
}

async fn answer(producer: &Producer, request: lambda_http::Request) -> (u16, Value) {
    let response = producer.handle(request).await.expect("the handler answers");
    let status = response.status().as_u16();
    (status, serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_producer_queues_one_message_per_accepted_book() {
    let fixture = Fixture::new().await;
    let (counter, sends) = CountOutputs::<SendMessageOutput>::new();
    let producer = Producer::new(fixture.queue_with(counter), fixture.store(), fixture.idempotency());
    let body = r#"{"title":"Dune","author":"Frank Herbert"}"#;

    let (status, answer) =
        answer(&producer, api_request("POST", "/books", &[JSON, ("idempotency-key", "key-1")], body)).await;

    assert_eq!(status, 202);
    assert_eq!(sends.load(Ordering::SeqCst), 1);
    let queued = fixture.queued().await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["book"]["id"], answer["id"]);
    assert_eq!(queued[0]["book"]["title"], "Dune");
    assert_eq!(queued[0]["request_id"], common::REQUEST_ID);
}

#[tokio::test]
async fn a_key_reused_with_the_same_body_gets_the_same_answer_and_queues_nothing() {
    let fixture = Fixture::new().await;
    let (counter, sends) = CountOutputs::<SendMessageOutput>::new();
    let producer = Producer::new(fixture.queue_with(counter), fixture.store(), fixture.idempotency());
    let key = [JSON, ("idempotency-key", "retry-me")];
    let post = |body: &'static str| api_request("POST", "/books", &key, body);

    let first = producer.handle(post(r#"{"title":"Dune","author":"Frank Herbert"}"#)).await.unwrap();
    let again = producer.handle(post(r#"{ "author": "Frank Herbert", "title": "Dune" }"#)).await.unwrap();

    assert_eq!((first.status().as_u16(), again.status().as_u16()), (202, 202));
    assert_eq!(first.body().as_ref(), again.body().as_ref(), "the same id, answered again");
    assert_eq!(again.headers()["location"], first.headers()["location"]);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(sends.load(Ordering::SeqCst), 1, "the retry queued nothing");
}

#[tokio::test]
async fn a_key_reused_with_another_body_is_refused() {
    let fixture = Fixture::new().await;
    let producer = fixture.producer();
    let key = [JSON, ("idempotency-key", "retry-me")];

    let (status, _) =
        answer(&producer, api_request("POST", "/books", &key, r#"{"title":"Dune","author":"F. Herbert"}"#))
            .await;
    assert_eq!(status, 202);
    let (status, refused) = answer(
        &producer,
        api_request("POST", "/books", &key, r#"{"title":"Dune","author":"Frank Herbert"}"#),
    )
    .await;

    assert_eq!((status, refused["field"].as_str()), (422, Some("Idempotency-Key")));
    assert_eq!(fixture.queued().await.len(), 1, "only the first body was queued");
}

#[tokio::test]
async fn a_retry_while_the_first_request_is_in_flight_is_told_to_wait() {
    let fixture = Fixture::new().await;
    let producer = fixture.producer();
    let body = r#"{"title":"Dune","author":"Frank Herbert"}"#;
    let request = api_request("POST", "/books", &[JSON, ("idempotency-key", "slow")], body);
    let key = Key::from_header(request.headers().get("idempotency-key"), None).unwrap().expect("a key");
    let book: Value = serde_json::from_str(body).unwrap();
    let book = books::book::Book::from_json(uuid::Uuid::new_v4(), book.as_object().unwrap(), 2100).unwrap();
    let claim =
        fixture.idempotency().claim(&key, &idempotency::body_hash(&book), book.id, None).await.unwrap();
    assert!(matches!(claim, Claim::Claimed { .. }), "the first request holds the key");

    let response = producer.handle(request).await.unwrap();

    assert_eq!(response.status().as_u16(), 409);
    assert_eq!(response.headers()["retry-after"], "1");
    assert!(fixture.queued().await.is_empty());
}

#[tokio::test]
async fn a_request_that_could_not_queue_its_book_unlocks_its_key() {
    let fixture = Fixture::new().await;
    let unreachable = Producer::new(fixture.queue_with(FailSends), fixture.store(), fixture.idempotency());
    let body = r#"{"title":"Dune","author":"Frank Herbert"}"#;
    let post = || api_request("POST", "/books", &[JSON, ("idempotency-key", "try-again")], body);

    let (status, _) = answer(&unreachable, post()).await;
    assert_eq!(status, 503);
    let (status, accepted) = answer(&fixture.producer(), post()).await;

    assert_eq!(status, 202, "the retry went through at once");
    let queued = fixture.queued().await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["book"]["id"], accepted["id"]);
}

/// The failure that made the fault run store a book twice: SQS took the message, but its answer
/// never came back, so the producer answered 503; the client's retry must queue the same id.
#[tokio::test]
async fn a_retry_after_a_send_whose_answer_was_lost_queues_the_same_book() {
    let fixture = Fixture::new().await;
    let answer_lost = Producer::new(fixture.queue_with(LoseAnswers), fixture.store(), fixture.idempotency());
    let body = r#"{"title":"Dune","author":"Frank Herbert"}"#;
    let post = || api_request("POST", "/books", &[JSON, ("idempotency-key", "lost-answer")], body);

    let (status, _) = answer(&answer_lost, post()).await;
    assert_eq!(status, 503);
    let (status, accepted) = answer(&fixture.producer(), post()).await;

    assert_eq!(status, 202);
    let queued = fixture.queued().await;
    assert!(queued.len() >= 2, "the lost send was queued, and the retry queued again: {queued:?}");
    assert!(
        queued.iter().all(|message| message["book"]["id"] == accepted["id"]),
        "every message carries the one id the retry answered: {queued:?}"
    );
}

/// An SQS whose answers are lost on the way back, after it took the message.
#[derive(Debug)]
struct LoseAnswers;

impl aws_sdk_sqs::config::Intercept for LoseAnswers {
    fn name(&self) -> &'static str {
        "LoseAnswers"
    }

    fn read_before_deserialization(
        &self,
        _: &aws_sdk_sqs::config::interceptors::BeforeDeserializationInterceptorContextRef<'_>,
        _: &aws_sdk_sqs::config::RuntimeComponents,
        _: &mut aws_sdk_sqs::config::ConfigBag,
    ) -> Result<(), aws_sdk_sqs::error::BoxError> {
        Err("LoseAnswers: the connection broke after the request was sent".into())
    }
}

/// An SQS that takes no message.
#[derive(Debug)]
struct FailSends;

impl aws_sdk_sqs::config::Intercept for FailSends {
    fn name(&self) -> &'static str {
        "FailSends"
    }

    fn read_before_serialization(
        &self,
        _: &aws_sdk_sqs::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
        _: &aws_sdk_sqs::config::RuntimeComponents,
        _: &mut aws_sdk_sqs::config::ConfigBag,
    ) -> Result<(), aws_sdk_sqs::error::BoxError> {
        Err("FailSends: the queue is unreachable".into())
    }
}

#[tokio::test]
async fn the_producer_reads_stored_books() {
    let fixture = Fixture::new().await;
    let producer = fixture.producer();
    let stored = message("The Left Hand of Darkness", "k9");
    Consumer::new(fixture.store(), Metrics::new("consumer"))
        .handle(sqs_event(&[stored.to_json()]))
        .await
        .unwrap();

    let (status, body) =
        answer(&producer, api_request("GET", &format!("/books/{}", stored.book.id), &[], "")).await;
    assert_eq!((status, body["title"].as_str()), (200, Some("The Left Hand of Darkness")));
    let (status, _) =
        answer(&producer, api_request("GET", &format!("/books/{}", uuid::Uuid::new_v4()), &[], "")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn with_aws_unreachable_a_batch_fails_within_the_emulators_consumer_timeout() {
    // A listener that accepts connections and never answers: AWS unreachable, not refused.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    let sdk = books::config::sdk_config().await.into_builder().endpoint_url(endpoint).build();
    let store = books::store::BookStore::new(aws_sdk_dynamodb::Client::new(&sdk), "books");
    let messages: Vec<BookMessage> =
        (0..20).map(|i| message(&format!("Book {i}"), &format!("k{i}"))).collect();
    let bodies: Vec<String> = messages.iter().map(BookMessage::to_json).collect();

    let started = std::time::Instant::now();
    let response = Consumer::new(store, Metrics::new("consumer")).handle(sqs_event(&bodies)).await.unwrap();

    let elapsed = started.elapsed();
    assert_eq!(response.batch_item_failures.len(), 20, "every record is reported for SQS to retry");
    // terraform/emulator.tfvars gives the consumer 3 s; a batch must fail inside it, not time out.
    assert!(elapsed < std::time::Duration::from_secs(3), "the batch took {elapsed:?}");
}

#[test]
fn a_function_without_its_configuration_fails_its_init_saying_what_is_missing() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_producer"))
        .env_clear()
        // What Lambda sets for every function; the rest of the configuration is missing.
        .envs([("AWS_LAMBDA_LOG_FORMAT", "JSON"), ("AWS_REGION", "us-east-1")])
        .output()
        .expect("the producer starts");

    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line: Value =
        serde_json::from_str(stdout.trim()).unwrap_or_else(|_| panic!("one JSON line, not {stdout}"));
    assert_eq!(line["level"], "ERROR");
    assert_eq!(line["fields"]["error"], "the environment variable QUEUE_URL is not set");
}
