//! The handlers against real SQS and DynamoDB APIs (the local emulator), each test on its own
//! fresh queue and table.

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use books::book::book_id;
use books::consumer::Consumer;
use books::message::BookMessage;
use books::producer::Producer;
use books::queue::BookQueue;
use books::store::BookStore;
use lambda_http::{Body, Request, RequestExt};
use lambda_runtime::{Context, LambdaEvent};
use serde_json::{Value, json};

struct Fixture {
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    store: BookStore,
    queue: BookQueue,
}

/// A fresh queue and table on the emulator.
async fn fixture() -> Fixture {
    let sdk = emulator::sdk_config().await;
    let (sqs, dynamodb) = (
        aws_sdk_sqs::Client::new(&sdk),
        aws_sdk_dynamodb::Client::new(&sdk),
    );
    let name = format!("test-{}", uuid::Uuid::new_v4());
    let queue_url = sqs
        .create_queue()
        .queue_name(&name)
        .send()
        .await
        .expect("queue created")
        .queue_url
        .expect("a URL");
    dynamodb
        .create_table()
        .table_name(&name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("id")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("id")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("table created");
    Fixture {
        queue: BookQueue::new(sqs.clone(), &queue_url),
        store: BookStore::new(dynamodb, &name),
        sqs,
        queue_url,
    }
}

fn sqs_event(bodies: &[String]) -> LambdaEvent<SqsEvent> {
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

fn message(title: &str, key: &str) -> BookMessage {
    let object = json!({ "title": title, "author": "Ursula K. Le Guin" });
    let book = books::book::Book::from_json(book_id(Some(key)), object.as_object().unwrap(), 2100)
        .unwrap();
    BookMessage::new(book, "request-1".into())
}

#[tokio::test]
async fn the_consumer_stores_good_records_and_reports_only_the_bad_ones() {
    let fixture = fixture().await;
    let consumer = Consumer::new(fixture.store.clone());
    let first = message("A Wizard of Earthsea", "k1");
    let retried = message("A Wizard of Earthsea (2nd printing)", "k1");
    let other = message("The Dispossessed", "k2");
    let bodies = [
        first.to_json(),
        "{not json".to_owned(),
        retried.to_json(),
        other.to_json(),
    ];

    let response = consumer
        .handle(sqs_event(&bodies))
        .await
        .expect("the handler answers");

    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["message-1"]);
    let stored = fixture
        .store
        .get(first.book.id)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(
        stored.title, retried.book.title,
        "the latest version of a book wins"
    );
    assert_eq!(stored.request_id, "request-1");
    assert!(fixture.store.get(other.book.id).await.unwrap().is_some());
}

#[tokio::test]
async fn the_consumer_writes_batches_larger_than_one_batch_write() {
    let fixture = fixture().await;
    let consumer = Consumer::new(fixture.store.clone());
    let messages: Vec<BookMessage> = (0..60)
        .map(|i| message(&format!("Book {i}"), &format!("key-{i}")))
        .collect();
    let bodies: Vec<String> = messages.iter().map(BookMessage::to_json).collect();

    let response = consumer
        .handle(sqs_event(&bodies))
        .await
        .expect("the handler answers");

    assert!(response.batch_item_failures.is_empty());
    for message in &messages {
        assert!(
            fixture.store.get(message.book.id).await.unwrap().is_some(),
            "{} not stored",
            message.book.title
        );
    }
}

fn post(body: &str, content_type: &str, key: Option<&str>) -> Request {
    let mut request = lambda_http::http::Request::builder()
        .method("POST")
        .uri("/books")
        .header("content-type", content_type);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    let mut context = Context::default();
    context.request_id = "request-42".into();
    request
        .body(Body::Text(body.to_owned()))
        .unwrap()
        .with_lambda_context(context)
}

async fn answer(producer: &Producer, request: Request) -> (u16, Value) {
    let response = producer.handle(request).await.expect("the handler answers");
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null),
    )
}

async fn queued(fixture: &Fixture) -> Vec<BookMessage> {
    let received = fixture
        .sqs
        .receive_message()
        .queue_url(&fixture.queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("the queue can be read");
    received
        .messages()
        .iter()
        .map(|m| BookMessage::from_json(m.body().unwrap_or_default()).unwrap())
        .collect()
}

#[tokio::test]
async fn the_producer_queues_a_valid_book_and_answers_202() {
    let fixture = fixture().await;
    let producer = Producer::new(fixture.queue.clone(), fixture.store.clone());

    let (status, body) = answer(
        &producer,
        post(
            r#"{"title":"Dune","author":"Frank Herbert"}"#,
            "application/json",
            Some("key-1"),
        ),
    )
    .await;

    assert_eq!(status, 202);
    assert_eq!(body["id"], json!(book_id(Some("key-1"))));
    let messages = queued(&fixture).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].book.title, "Dune");
    assert_eq!(messages[0].request_id, "request-42");
}

#[tokio::test]
async fn the_producer_refuses_bad_requests_and_queues_nothing() {
    let fixture = fixture().await;
    let producer = Producer::new(fixture.queue.clone(), fixture.store.clone());
    let cases = [
        (
            post(r#"{"title":"Dune"}"#, "application/json", None),
            422,
            Some("author"),
        ),
        (
            post(
                r#"{"title":"Dune","author":"F","isbn":"123"}"#,
                "application/json",
                None,
            ),
            422,
            Some("isbn"),
        ),
        (
            post(r#"{"title":"Dune","#, "application/json", None),
            400,
            None,
        ),
        (
            post(r#"{"title":"Dune","author":"F"}"#, "text/plain", None),
            415,
            None,
        ),
        (
            post(
                &format!(r#"{{"title":"{}","author":"F"}}"#, "x".repeat(70_000)),
                "application/json",
                None,
            ),
            413,
            None,
        ),
    ];
    for (request, expected_status, expected_field) in cases {
        let (status, body) = answer(&producer, request).await;
        assert_eq!(status, expected_status, "{body}");
        assert_eq!(body["field"].as_str(), expected_field, "{body}");
    }
    assert!(queued(&fixture).await.is_empty());
}

#[tokio::test]
async fn the_producer_reads_stored_books() {
    let fixture = fixture().await;
    let producer = Producer::new(fixture.queue.clone(), fixture.store.clone());
    let stored = message("The Left Hand of Darkness", "k9");
    Consumer::new(fixture.store.clone())
        .handle(sqs_event(&[stored.to_json()]))
        .await
        .unwrap();
    let get = |path: String| {
        lambda_http::http::Request::get(path)
            .body(Body::Empty)
            .unwrap()
    };

    let (status, body) = answer(&producer, get(format!("/books/{}", stored.book.id))).await;
    assert_eq!(
        (status, body["title"].as_str()),
        (200, Some("The Left Hand of Darkness"))
    );
    let (status, _) = answer(&producer, get(format!("/books/{}", uuid::Uuid::new_v4()))).await;
    assert_eq!(status, 404);
    let (status, body) = answer(&producer, get("/books/not-a-uuid".into())).await;
    assert_eq!((status, body["field"].as_str()), (400, Some("id")));
    let (status, _) = answer(&producer, get("/authors".into())).await;
    assert_eq!(status, 404);
    let delete = lambda_http::http::Request::delete("/books")
        .body(Body::Empty)
        .unwrap();
    assert_eq!(answer(&producer, delete).await.0, 405);
}
