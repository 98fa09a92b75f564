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
use lambda_local::authorizer::{AuthorizerSettings, JwtAuthorizer, LocalIssuer};
use lambda_runtime::{Context, LambdaEvent};
use serde_json::Value;
use std::time::Duration;

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
async fn the_caller_is_recorded_and_its_keys_are_its_own() {
    let fixture = Fixture::new().await;
    let from = |sub: &str| {
        let mut event = event("apigw-v2-post-books.json");
        event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = sub.into();
        let request: LambdaRequest = serde_json::from_value(event).expect("lambda_http reads the event");
        lambda_http::Request::from(request)
    };

    // Two callers who happen to pick the same Idempotency-Key, then the first one again.
    let (first, other, again) = (
        answer(&fixture, from("caller-1")).await,
        answer(&fixture, from("caller-2")).await,
        answer(&fixture, from("caller-1")).await,
    );

    assert_eq!((first.0, other.0, again.0), (202, 202, 202));
    assert_ne!(first.1["id"], other.1["id"], "another caller's key is not this caller's");
    assert_eq!(first.1["id"], again.1["id"], "the caller's own retry is answered again");
    let queued = fixture.queued().await;
    let submitted: Vec<&Value> = queued.iter().map(|message| &message["submitted_by"]).collect();
    assert_eq!(submitted, ["caller-1", "caller-2"], "one message per caller, naming it");
    let events = queued.iter().map(|message| message.to_string()).collect::<Vec<_>>();
    Consumer::new(fixture.store(), Metrics::new("consumer"))
        .handle(common::sqs_event(&events))
        .await
        .unwrap();
    let id = first.1["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        fixture.item(id).await.expect("stored")["submitted_by"],
        serde_json::json!({ "S": "caller-1" })
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
    let claims = &aws["requestContext"]["authorizer"]["jwt"]["claims"];
    let settings = AuthorizerSettings {
        issuer: claims["iss"].as_str().expect("an issuer").to_owned(),
        audience: vec!["books-client".to_owned()],
        route_scopes: [("POST /books", "books/write"), ("GET /books/{id}", "books/read")]
            .map(|(route, scope)| (route.to_owned(), vec![scope.to_owned()]))
            .into(),
    };
    let key = std::env::temp_dir().join(format!("books-events-{}.pem", uuid::Uuid::new_v4()));
    let issuer = LocalIssuer::open_or_create(&key).expect("a key");
    let sub = claims["sub"].as_str().expect("a subject");
    let token = issuer.token(&settings, sub, &["books/write".to_owned()], Duration::from_secs(60));
    let authorizer = JwtAuthorizer::new(settings, issuer.key_set());
    let mut builder =
        lambda_http::http::Request::builder().method("POST").uri("/books?source=shelf&source=scan");
    for (name, value) in aws["headers"].as_object().expect("headers") {
        builder = builder.header(name, value.as_str().expect("a header"));
    }
    let builder = builder.header("cookie", "session=7f3a; theme=dark");
    let (parts, ()) = builder.body(()).expect("a valid request").into_parts();
    let body = aws["body"].as_str().expect("a body");
    let client = SocketAddr::from((Ipv4Addr::new(198, 51, 100, 23), 40_000));

    // The token travels in a header API Gateway passes on too; the fixture's request had it.
    let mut with_token = parts.clone();
    with_token.headers.insert("authorization", format!("Bearer {token}").parse().expect("a header"));
    let mut local =
        lambda_local::http_front::event_for(Some(&authorizer), &with_token, body.as_bytes(), client)
            .expect("the authorizer lets the request through");
    local["headers"].as_object_mut().expect("headers").remove("authorization");

    // Everything the front writes is where API Gateway writes it; the claims are the local
    // token's (it has more than the fixture shows), the ones the producer reads the same.
    let (mut written, mut expected) = (BTreeSet::new(), BTreeSet::new());
    paths(&local, "", &mut written);
    paths(&aws, "", &mut expected);
    let claim = "requestContext.authorizer.jwt.claims.";
    written.retain(|path| !path.starts_with(claim));
    expected.retain(|path| !path.starts_with(claim));
    for name in ["iss", "sub", "scope"] {
        assert_eq!(
            local["requestContext"]["authorizer"]["jwt"]["claims"][name], claims[name],
            "claim {name}"
        );
    }
    assert_eq!(
        local["requestContext"]["authorizer"]["jwt"]["scopes"],
        aws["requestContext"]["authorizer"]["jwt"]["scopes"]
    );
    assert_eq!(
        (&local["routeKey"], &local["requestContext"]["routeKey"]),
        (&aws["routeKey"], &aws["routeKey"])
    );
    let refused = lambda_local::http_front::event_for(Some(&authorizer), &parts, body.as_bytes(), client);
    assert_eq!(refused.expect_err("no token").status(), 401);
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
