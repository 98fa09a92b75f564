//! Snapshots of everything the system puts on the wire: HTTP answers, the queue message, the
//! stored item, the consumer's batch response. Review changes with `cargo insta review`.

mod common;

use books::consumer::Consumer;
use books::metrics::Metrics;
use books::producer::Producer;
use common::{Fixture, api_request, message, sqs_event};
use insta::assert_json_snapshot;
use serde_json::{Map, Value, json};

const JSON: (&str, &str) = ("content-type", "application/json");
const KEY: (&str, &str) = ("idempotency-key", "snapshot-key");

/// A request of the table: method, path, headers, body.
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, &'a str);

/// The answer as a client sees it: status, the headers that carry meaning, the JSON body.
async fn answer(producer: &Producer, request: lambda_http::Request) -> Value {
    let response = producer.handle(request).await.expect("the handler answers");
    let mut headers = Map::new();
    for name in ["content-type", "location", "allow", "retry-after", "cache-control", "idempotent-replayed"] {
        if let Some(value) = response.headers().get(name) {
            headers.insert(name.into(), json!(value.to_str().expect("ASCII")));
        }
    }
    let body: Value = serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null);
    json!({ "status": response.status().as_u16(), "headers": headers, "body": body })
}

#[tokio::test]
async fn http_answers() {
    let fixture = Fixture::new().await;
    let producer = fixture.producer();
    let stored = message("The Dispossessed", "stored-book");
    Consumer::new(fixture.store(), Metrics::new("consumer"))
        .handle(sqs_event(&[stored.to_json()]))
        .await
        .expect("stored");
    let stored_path = format!("/books/{}", stored.book.id);
    let oversized = format!(r#"{{"title":"{}","author":"A"}}"#, "x".repeat(64 * 1024));
    let long_key = "k".repeat(256);
    let long_title = format!(r#"{{"title":"{}","author":"A"}}"#, "é".repeat(257));

    let cases: Vec<Case> = vec![
        ("POST", "/books", vec![JSON, KEY], r#"{"title":"Dune","author":"Frank Herbert"}"#),
        (
            "POST",
            "/books",
            vec![JSON, ("idempotency-key", "full")],
            r#"{"title":"  Dune ","author":"Frank Herbert","isbn":"978-0 441-17271-9","year":1965}"#,
        ),
        ("POST", "/books", vec![JSON], r#"{"title":"Dune","author":"Frank Herbert"}"#),
        (
            "POST",
            "/books",
            vec![("content-type", "application/json; charset=utf-8"), KEY],
            r#"{"title":"Dune","author":"Frank Herbert"}"#,
        ),
        (
            "POST",
            "/books",
            vec![JSON, ("idempotency-key", "isbn10")],
            r#"{"title":"t","author":"a","isbn":"0-8044-2957-X"}"#,
        ),
        ("POST", "/books", vec![JSON, ("idempotency-key", "")], r#"{"title":"Dune","author":"F"}"#),
        ("POST", "/books", vec![JSON, ("idempotency-key", &long_key)], r#"{"title":"Dune","author":"F"}"#),
        ("POST", "/books", vec![JSON, ("idempotency-key", "clé-1")], r#"{"title":"Dune","author":"F"}"#),
        ("POST", "/books", vec![JSON, KEY], r#"{"title":"Dune Messiah","author":"Frank Herbert"}"#),
        ("POST", "//books", vec![JSON], r#"{"title":"Dune","author":"Frank Herbert"}"#),
        ("POST", "/books", vec![JSON], r#"{"author":"Frank Herbert"}"#),
        ("POST", "/books", vec![JSON], r#"{"title":" \t ","author":"Frank Herbert"}"#),
        ("POST", "/books", vec![JSON], &long_title),
        ("POST", "/books", vec![JSON], r#"{"title":"Dune","author":42}"#),
        ("POST", "/books", vec![JSON], r#"{"title":"Dune","author":"F","isbn":"978-0-441-17271-8"}"#),
        ("POST", "/books", vec![JSON], r#"{"title":"Dune","author":"F","isbn":"12345"}"#),
        ("POST", "/books", vec![JSON], r#"{"title":"Dune","author":"F","year":99999}"#),
        ("POST", "/books", vec![JSON], r#"{"title":"Dune","author":"F","year":1965.5}"#),
        ("POST", "/books", vec![JSON], r#"{"title":"Dune","author":"F","pages":412}"#),
        ("POST", "/books", vec![JSON], r#"{"title":"Dune","#),
        ("POST", "/books", vec![JSON], r#"["Dune"]"#),
        ("POST", "/books", vec![("content-type", "text/plain")], r#"{"title":"Dune","author":"F"}"#),
        ("POST", "/books", vec![], r#"{"title":"Dune","author":"F"}"#),
        ("POST", "/books", vec![JSON], &oversized),
        ("PUT", "/books", vec![JSON], r#"{"title":"Dune","author":"F"}"#),
        ("DELETE", &stored_path, vec![], ""),
        ("GET", &stored_path, vec![], ""),
        ("GET", "/books/00000000-0000-4000-8000-000000000000", vec![], ""),
        ("GET", "/books/not-a-uuid", vec![], ""),
        ("GET", "/authors", vec![], ""),
    ];
    let mut table = Vec::new();
    for (method, path, headers, body) in cases {
        let described = if body.len() > 200 { format!("{} bytes", body.len()) } else { body.to_owned() };
        let request = json!({ "method": method, "path": path, "headers": headers, "body": described });
        let response = answer(&producer, api_request(method, path, &headers, body)).await;
        table.push(json!({ "request": request, "response": response }));
    }
    // Book ids are random; a replayed answer carries the first answer's id (checked here, as
    // redactions hide it).
    assert_eq!(table[0]["response"]["body"], table[3]["response"]["body"], "the retry got the first answer");
    assert_json_snapshot!(table, {
        "[].response.body.id" => "[random id]",
        "[].response.headers.location" => "/books/[random id]",
    });
}

#[tokio::test]
async fn queue_message() {
    let fixture = Fixture::new().await;
    let producer = fixture.producer();
    let body = r#"{"title":"Dune","author":"Frank Herbert","isbn":"9780441172719","year":1965}"#;
    producer.handle(api_request("POST", "/books", &[JSON, KEY], body)).await.expect("queued");

    let received = fixture
        .sqs
        .receive_message()
        .queue_url(&fixture.queue_url)
        .message_attribute_names("All")
        .send()
        .await
        .expect("the queue can be read");
    let message = received.messages().first().expect("one message");
    let attributes: Map<String, Value> = message
        .message_attributes()
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            (name.clone(), json!({ "DataType": value.data_type(), "StringValue": value.string_value() }))
        })
        .collect();
    let body: Value = serde_json::from_str(message.body().expect("a body")).expect("JSON");
    assert_json_snapshot!(json!({ "body": body, "message_attributes": attributes }), {
        ".body.received_at" => "[time]",
        ".body.book.id" => "[random id]",
    });
}

#[tokio::test]
async fn stored_item() {
    let fixture = Fixture::new().await;
    let book = json!({"title":"Dune","author":"Frank Herbert","isbn":"9780441172719","year":1965});
    let book = books::book::Book::from_json(common::id_of("item"), book.as_object().unwrap(), 2100).unwrap();
    let message = books::message::BookMessage::new(book, common::REQUEST_ID.into());
    Consumer::new(fixture.store(), Metrics::new("consumer"))
        .handle(sqs_event(&[message.to_json()]))
        .await
        .expect("stored");

    let item = fixture.item(message.book.id).await.expect("an item");
    assert_json_snapshot!(item, {
        ".accepted_at.N" => "[time]",
        ".stored_at.S" => "[time]",
    });
}

#[tokio::test]
async fn batch_response() {
    let fixture = Fixture::new().await;
    let consumer = Consumer::new(fixture.store(), Metrics::new("consumer"));
    let mut unknown_version: Value = serde_json::from_str(&message("Kindred", "k4").to_json()).unwrap();
    unknown_version["schema_version"] = json!(2);
    // A well-formed envelope around a book the producer would have refused.
    let mut invalid_book: Value = serde_json::from_str(&message("Heretics", "k5").to_json()).unwrap();
    invalid_book["book"]["title"] = json!("   ");
    let bodies = [
        message("Dune", "k1").to_json(),
        "not a book".to_owned(),
        message("Dune Messiah", "k2").to_json(),
        message("Dune Messiah", "k2").to_json(),
        r#"{"schema_version":1,"book":{"title":"no id"}}"#.to_owned(),
        unknown_version.to_string(),
        invalid_book.to_string(),
        message("Children of Dune", "k3").to_json(),
    ];

    let response = consumer.handle(sqs_event(&bodies)).await.expect("the handler answers");

    assert_json_snapshot!(response);
}

#[test]
fn the_batch_metrics_are_embedded_metric_format() {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(1_795_597_200_250_000_000).unwrap();
    insta::assert_json_snapshot!(Metrics::new("books-consumer").batch_line(7, 2, at));
}
