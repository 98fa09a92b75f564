//! The handlers against real SQS and DynamoDB APIs (the local emulator), each test on its own
//! fresh queue and table.

mod common;

use std::sync::atomic::Ordering;

use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemOutput;
use aws_sdk_sqs::operation::send_message::SendMessageOutput;
use books::book::book_id;
use books::consumer::Consumer;
use books::message::BookMessage;
use books::metrics::Metrics;
use books::producer::Producer;
use common::{CountOutputs, Fixture, WithholdWrites, api_request, message, sqs_event};
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
async fn the_consumer_writes_n_books_in_n_over_25_calls() {
    let fixture = Fixture::new().await;
    let (counter, calls) = CountOutputs::<BatchWriteItemOutput>::new();
    let consumer = Consumer::new(fixture.store_with(counter), Metrics::new("consumer"));
    let messages: Vec<BookMessage> =
        (0..60).map(|i| message(&format!("Book {i}"), &format!("key-{i}"))).collect();
    let bodies: Vec<String> = messages.iter().map(BookMessage::to_json).collect();

    let response = consumer.handle(sqs_event(&bodies)).await.expect("the handler answers");

    assert!(response.batch_item_failures.is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 3, "60 books take 3 BatchWriteItem calls");
    for message in &messages {
        assert!(
            fixture.store().get(message.book.id).await.unwrap().is_some(),
            "{} not stored",
            message.book.title
        );
    }
}

#[tokio::test]
async fn unprocessed_items_are_retried_until_written() {
    let fixture = Fixture::new().await;
    let (counter, calls) = CountOutputs::<BatchWriteItemOutput>::new();
    let config = aws_sdk_dynamodb::config::Builder::from(&fixture.sdk)
        .interceptor(WithholdWrites::first_call(4))
        .interceptor(counter)
        .build();
    let store = books::store::BookStore::new(aws_sdk_dynamodb::Client::from_conf(config), &fixture.table);
    let messages: Vec<BookMessage> =
        (0..10).map(|i| message(&format!("Book {i}"), &format!("key-{i}"))).collect();
    let bodies: Vec<String> = messages.iter().map(BookMessage::to_json).collect();

    let response = Consumer::new(store, Metrics::new("consumer"))
        .handle(sqs_event(&bodies))
        .await
        .expect("the handler answers");

    assert!(response.batch_item_failures.is_empty(), "retried items are not failures");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one call, then one retry of the 4 unprocessed items");
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
    let producer = Producer::new(fixture.queue_with(counter), fixture.store());
    let body = r#"{"title":"Dune","author":"Frank Herbert"}"#;

    let (status, answer) =
        answer(&producer, api_request("POST", "/books", &[JSON, ("idempotency-key", "key-1")], body)).await;

    assert_eq!(status, 202);
    assert_eq!(answer["id"], json!(book_id(Some("key-1"))));
    assert_eq!(sends.load(Ordering::SeqCst), 1);
    let queued = fixture.queued().await;
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0]["book"]["title"], "Dune");
    assert_eq!(queued[0]["request_id"], common::REQUEST_ID);
}

#[tokio::test]
async fn the_same_key_with_another_body_keeps_the_id_and_the_last_write_wins() {
    let fixture = Fixture::new().await;
    let producer = Producer::new(fixture.queue(), fixture.store());
    let key = [JSON, ("idempotency-key", "retry-me")];

    let (_, first) =
        answer(&producer, api_request("POST", "/books", &key, r#"{"title":"Dune","author":"F. Herbert"}"#))
            .await;
    let (_, second) = answer(
        &producer,
        api_request("POST", "/books", &key, r#"{"title":"Dune","author":"Frank Herbert"}"#),
    )
    .await;
    assert_eq!(first["id"], second["id"]);

    let bodies: Vec<String> = fixture.queued().await.iter().map(Value::to_string).collect();
    assert_eq!(bodies.len(), 2);
    Consumer::new(fixture.store(), Metrics::new("consumer"))
        .handle(sqs_event(&bodies))
        .await
        .expect("stored");
    let id = first["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(fixture.store().get(id).await.unwrap().expect("one book").author, "Frank Herbert");
}

#[tokio::test]
async fn the_producer_reads_stored_books() {
    let fixture = Fixture::new().await;
    let producer = Producer::new(fixture.queue(), fixture.store());
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
