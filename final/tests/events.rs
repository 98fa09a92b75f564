//! The handlers on events shaped as AWS documents them (`tests/events/`), and the local
//! runner's front checked against the same files.

mod common;

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddr};

use aws_lambda_events::event::sqs::SqsEvent;
use books::consumer::Consumer;
use books::metrics::Metrics;
use common::Fixture;
use lambda_http::request::LambdaRequest;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::Value;

fn event(name: &str) -> Value {
    let path = format!("{}/tests/events/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).expect("an event is JSON")
}

fn request(name: &str) -> lambda_http::Request {
    let request: LambdaRequest = serde_json::from_value(event(name)).expect("lambda_http reads the event");
    lambda_http::Request::from(request)
}

async fn answer(fixture: &Fixture, request: lambda_http::Request) -> (u16, Value) {
    let response = fixture.producer().handle(request).await.expect("the handler answers");
    (response.status().as_u16(), serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_post_through_the_default_stage_is_queued() {
    let fixture = Fixture::new().await;

    let (status, answer) = answer(&fixture, request("apigw-v2-post-books.json")).await;

    assert_eq!(status, 202, "{answer}");
    let queued = fixture.queued().await;
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0]["book"]["id"].clone(), queued[0]["book"]["year"].clone()),
        (answer["id"].clone(), 1965.into())
    );
}

#[tokio::test]
async fn a_base64_body_is_read_as_the_json_it_encodes() {
    let fixture = Fixture::new().await;

    let (status, answer) = answer(&fixture, request("apigw-v2-post-books-base64.json")).await;

    assert_eq!(status, 202, "{answer}");
    assert_eq!(fixture.queued().await[0]["book"]["title"], "Dune");
}

#[tokio::test]
async fn routes_survive_a_named_stage_in_the_path() {
    let fixture = Fixture::new().await;
    let request = request("apigw-v2-named-stage.json");
    assert_eq!(request.uri().path(), "/prod/books", "lambda_http keeps the stage in the path");

    let (status, answer) = answer(&fixture, request).await;

    assert_eq!((status, answer["field"].as_str()), (422, Some("title")), "POST /books was routed: {answer}");
}

#[tokio::test]
async fn the_consumer_reports_the_poison_record_of_an_sqs_event() {
    let fixture = Fixture::new().await;
    let event: SqsEvent = serde_json::from_value(event("sqs-batch.json")).expect("an SQS event");

    let response = Consumer::new(fixture.store(), Metrics::new("consumer"))
        .handle(LambdaEvent::new(event, Context::default()))
        .await
        .expect("the handler answers");

    let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
    assert_eq!(failed, ["2e1424d4-f796-459a-8184-9c92662be6da"]);
    let id = "6f1c2a7e-0d4b-4c55-9a0e-1b2c3d4e5f60".parse().unwrap();
    assert_eq!(fixture.store().get(id).await.unwrap().expect("stored").title, "Kindred");
}

/// Every path to a value in `value` (`requestContext.http.method`, …).
fn paths(value: &Value, prefix: &str, into: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                paths(value, &format!("{prefix}{key}."), into);
            }
        }
        _ => {
            into.insert(prefix.trim_end_matches('.').to_owned());
        }
    }
}

#[test]
fn the_local_front_builds_the_event_api_gateway_sends() {
    let aws = event("apigw-v2-post-books.json");
    let mut builder =
        lambda_http::http::Request::builder().method("POST").uri("/books?source=shelf&source=scan");
    for (name, value) in aws["headers"].as_object().expect("headers") {
        builder = builder.header(name, value.as_str().expect("a header"));
    }
    let builder = builder.header("cookie", "session=7f3a; theme=dark");
    let (parts, ()) = builder.body(()).expect("a valid request").into_parts();
    let body = aws["body"].as_str().expect("a body");
    let client = SocketAddr::from((Ipv4Addr::new(198, 51, 100, 23), 40_000));

    let local = lambda_local::http_front::api_gateway_event(&parts, body.as_bytes(), client);

    // Everything the front writes is where API Gateway writes it; only the authorizer (the
    // local stack has none yet) is API Gateway's alone.
    let (mut written, mut expected) = (BTreeSet::new(), BTreeSet::new());
    paths(&local, "", &mut written);
    paths(&aws, "", &mut expected);
    expected.retain(|path| !path.starts_with("requestContext.authorizer"));
    assert_eq!(written, expected, "left: the local front's event; right: API Gateway's");
    for field in [
        "rawPath",
        "rawQueryString",
        "cookies",
        "headers",
        "queryStringParameters",
        "body",
        "isBase64Encoded",
    ] {
        assert_eq!(local[field], aws[field], "{field} differs");
    }
    for field in ["method", "path", "protocol", "sourceIp", "userAgent"] {
        assert_eq!(
            local["requestContext"]["http"][field], aws["requestContext"]["http"][field],
            "http.{field} differs"
        );
    }
    assert_eq!(local["requestContext"]["stage"], "$default");
}
