//! The producer's HTTP handler, given API Gateway events as Lambda delivers them (read by
//! `lambda_http` as on Lambda), against the local emulator.

use lambda_http::request::LambdaRequest;
use lambda_http::{Body, Request, RequestExt, Response};
use lambda_runtime::Context;
use serde_json::{Value, json};
use step06_cloudwatch::message::BookMessage;
use step06_cloudwatch::producer::Producer;
use step06_cloudwatch::queue::BookQueue;
use step06_cloudwatch::store::BookStore;

struct Fixture {
    producer: Producer,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    store: BookStore,
}

async fn fixture() -> Fixture {
    let sdk = emulator::sdk_config().await;
    let (sqs, dynamodb) = (aws_sdk_sqs::Client::new(&sdk), aws_sdk_dynamodb::Client::new(&sdk));
    let table = emulator::fresh_table(&dynamodb).await;
    let (queue_url, _) = emulator::fresh_queue_with_dlq(&sqs, 1, 2).await;
    let store = BookStore::new(dynamodb, table);
    let producer = Producer::new(BookQueue::new(sqs.clone(), &queue_url), store.clone());
    Fixture { producer, sqs, queue_url, store }
}

/// `events/post-book.json`, a real API Gateway (HTTP API) event, with another method, path
/// and body when given.
fn request(method: &str, path: &str, body: Option<&str>) -> Request {
    let mut event: Value = serde_json::from_str(include_str!("../events/post-book.json")).unwrap();
    event["rawPath"] = json!(path);
    event["requestContext"]["http"]["path"] = json!(path);
    event["requestContext"]["http"]["method"] = json!(method);
    event["body"] = json!(body);
    let request: LambdaRequest = serde_json::from_value(event).expect("lambda_http reads the event");
    let mut context = Context::default();
    context.request_id = "test-request".into();
    Request::from(request).with_lambda_context(context)
}

const DUNE: &str = r#"{"title":"Dune","author":"Frank Herbert","isbn":"978-0-441-17271-9","year":1965}"#;

/// Status, the headers that matter, and the body as JSON.
fn summary(response: &Response<Body>) -> Value {
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    json!({
        "status": response.status().as_u16(),
        "location": header("location"),
        "allow": header("allow"),
        "body": serde_json::from_slice::<Value>(response.body().as_ref()).unwrap(),
    })
}

#[tokio::test]
async fn a_posted_book_is_accepted_queued_and_readable_once_stored() {
    let fixture = fixture().await;
    let id = step06_cloudwatch::book::book_id(Some("dune-1965"));

    let response = fixture.producer.handle(request("POST", "/books", Some(DUNE))).await.unwrap();

    assert_eq!(response.status(), 202);
    assert_eq!(response.headers()["location"], format!("/books/{id}").as_str());
    let received = fixture.sqs.receive_message().queue_url(&fixture.queue_url).send().await.unwrap();
    let message = BookMessage::from_json(received.messages()[0].body().unwrap()).unwrap();
    assert_eq!((message.book.id, message.request_id.as_str()), (id, "test-request"));

    let get = || fixture.producer.handle(request("GET", &format!("/books/{id}"), None));
    assert_eq!(get().await.unwrap().status(), 404, "not stored yet");
    fixture.store.put_all(std::slice::from_ref(&message.book)).await.unwrap();
    let found = get().await.unwrap();
    assert_eq!(found.status(), 200);
    assert_eq!(
        serde_json::from_slice::<Value>(found.body().as_ref()).unwrap(),
        serde_json::to_value(&message.book).unwrap()
    );
}

#[tokio::test]
async fn what_the_client_got_wrong_is_a_4xx_and_nothing_is_queued() {
    let fixture = fixture().await;
    let cases = [
        ("POST", "/books", Some(r#"{"title":"Dune"}"#)),
        ("POST", "/books", Some(r#"{"title":"Dune","author":"Frank Herbert","year":"1965"}"#)),
        ("POST", "/books", Some("{not json")),
        ("POST", "/books", Some("[]")),
        ("GET", "/books/not-a-uuid", None),
        ("DELETE", "/books", None),
        ("POST", "/books/5a7f2bd8-7e0b-5d5e-9a56-c3e1c4c9b0a1", None),
        ("GET", "/authors", None),
    ];
    let mut answers = Vec::new();
    for (method, path, body) in cases {
        let response = fixture.producer.handle(request(method, path, body)).await.unwrap();
        answers.push(json!({ "request": format!("{method} {path} {}", body.unwrap_or_default()), "response": summary(&response) }));
    }

    insta::assert_json_snapshot!(answers);
    let received = fixture.sqs.receive_message().queue_url(&fixture.queue_url).send().await.unwrap();
    assert!(received.messages().is_empty());
}
