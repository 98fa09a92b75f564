//! The HTTP front and the SQS poller, each with a handler that records what it was given.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::config::timeout::TimeoutConfig;
use lambda_http::{Body, Request, RequestExt, Response};
use lambda_local::{HttpFront, SqsEventSource};
use lambda_runtime::{Error, LambdaEvent};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends one raw HTTP/1.1 request and returns the raw response.
async fn http(port: u16, request: &str) -> String {
    let mut stream =
        tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await.expect("the front listens");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn the_front_gives_the_handler_an_api_gateway_v2_request_and_returns_its_response() {
    let port = emulator::free_port();
    let front = HttpFront {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        function_name: "echo".into(),
        timeout: Duration::from_secs(1),
        authorizer: None,
    };
    let listener = front.bind().await.expect("a free port");
    let handler = |request: Request| async move {
        let context = request.lambda_context();
        let echo = json!({
            "method": request.method().as_str(),
            "path": request.uri().path(),
            "query": request.query_string_parameters().first("shelf"),
            "header": request.headers().get("x-trace").and_then(|v| v.to_str().ok()),
            "body": String::from_utf8_lossy(request.body().as_ref()),
            "request_id_set": !context.request_id.is_empty(),
            "function": context.invoked_function_arn,
        });
        if request.uri().path() == "/panic" {
            panic!("handler panicked on purpose");
        }
        Ok::<_, Error>(
            Response::builder().status(201).header("x-answer", "yes").body(Body::Text(echo.to_string()))?,
        )
    };
    tokio::spawn(async move { front.serve(listener, "eu-west-1".into(), handler).await });

    let response = http(
        port,
        "POST /books?shelf=top HTTP/1.1\r\nhost: localhost\r\nx-trace: abc\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    assert!(response.contains("x-answer: yes"), "{response}");
    let body: serde_json::Value = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"method": "POST", "path": "/books", "query": "top", "header": "abc", "body": "hello",
               "request_id_set": true, "function": "arn:aws:lambda:eu-west-1:123456789012:function:echo"})
    );

    let response = http(port, "GET /panic HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n").await;
    assert!(response.starts_with("HTTP/1.1 500"), "a panic is API Gateway's 500: {response}");
    assert!(response.ends_with(r#"{"message":"Internal Server Error"}"#), "{response}");
}

#[tokio::test]
async fn the_poller_deletes_what_succeeded_and_the_redrive_policy_dead_letters_the_rest() {
    let sdk = emulator::sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let (queue, dead_letters) = emulator::fresh_queue_with_dlq(&sqs, 1, 2).await;
    let name = queue.rsplit('/').next().expect("a queue name").to_owned();

    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let (record, queue_name) = (seen.clone(), name.clone());
    let handler = move |event: LambdaEvent<SqsEvent>| {
        let (record, queue_name) = (record.clone(), queue_name.clone());
        async move {
            let mut response = SqsBatchResponse::default();
            for message in event.payload.records {
                let (id, body) = (message.message_id.unwrap_or_default(), message.body.unwrap_or_default());
                let count = message.attributes.get("ApproximateReceiveCount").cloned().unwrap_or_default();
                assert_eq!(message.event_source.as_deref(), Some("aws:sqs"));
                assert!(message.event_source_arn.is_some_and(|arn| arn.ends_with(&queue_name)));
                record.lock().unwrap().push((body.clone(), count));
                if body == "poison" {
                    let mut failure = BatchItemFailure::default();
                    failure.item_identifier = id;
                    response.batch_item_failures.push(failure);
                }
            }
            Ok::<_, Error>(response)
        }
    };
    let source = SqsEventSource {
        queue_url: queue.clone(),
        function_name: "consumer".into(),
        batch_size: 10,
        batching_window: Duration::from_secs(1),
        timeout: Duration::from_secs(5),
    };
    // The poller gets a client with the functions' short timeouts, and its first long poll
    // waits longer than them: it must outlast them, as Lambda's mapping does.
    let short_timeouts = TimeoutConfig::builder().operation_timeout(Duration::from_secs(1)).build();
    let function_sqs = aws_sdk_sqs::Client::new(&sdk.to_builder().timeout_config(short_timeouts).build());
    let poller = tokio::spawn(async move { source.poll(function_sqs, "us-east-1".into(), handler).await });
    tokio::time::sleep(Duration::from_secs(2)).await;
    for body in ["good-1", "poison", "good-2"] {
        sqs.send_message().queue_url(&queue).message_body(body).send().await.unwrap();
    }

    let deadline = Instant::now() + Duration::from_secs(30);
    let dead_lettered = loop {
        let received =
            sqs.receive_message().queue_url(&dead_letters).wait_time_seconds(1).send().await.unwrap();
        if let Some(message) = received.messages().first() {
            break message.body().unwrap_or_default().to_owned();
        }
        assert!(Instant::now() < deadline, "nothing reached the DLQ in 30 s");
    };
    poller.abort();

    assert_eq!(dead_lettered, "poison");
    let seen = seen.lock().unwrap().clone();
    let times = |body: &str| seen.iter().filter(|(b, _)| b == body).count();
    assert_eq!((times("good-1"), times("good-2")), (1, 1), "succeeded records are deleted: {seen:?}");
    assert_eq!(times("poison"), 2, "the failed record is retried up to maxReceiveCount: {seen:?}");
    assert!(seen.contains(&("poison".into(), "2".into())), "receive counts reach the handler: {seen:?}");
}

#[tokio::test]
async fn the_invoke_api_answers_as_lambda_does() {
    #[derive(serde::Deserialize)]
    struct Greet {
        name: String,
    }
    let port = emulator::free_port();
    let api = lambda_local::InvokeApi::new(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), "eu-west-1".into())
        .function("greeter", Duration::from_secs(1), |event: LambdaEvent<Greet>| async move {
            match event.payload.name.as_str() {
                "panic" => panic!("handler panicked on purpose"),
                "fail" => Err::<serde_json::Value, Error>("no greeting today".into()),
                name => Ok(
                    json!({ "greeting": format!("hello {name}"), "arn": event.context.invoked_function_arn }),
                ),
            }
        });
    let listener = api.bind().await.expect("a free port");
    tokio::spawn(api.serve(listener));
    let invoke = |function: &str, body: &str| {
        format!(
            "POST /2015-03-31/functions/{function}/invocations HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };

    let response = http(port, &invoke("greeter", r#"{"name":"Ada"}"#)).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(!response.contains("x-amz-function-error"), "{response}");
    assert!(response.contains(r#""greeting":"hello Ada""#), "{response}");
    assert!(response.contains("arn:aws:lambda:eu-west-1:123456789012:function:greeter"), "{response}");

    for (body, error_type) in [
        (r#"{"name":"fail"}"#, "Runtime.HandlerError"),
        (r#"{"name":"panic"}"#, "Runtime.HandlerError"),
        (r#"{"nom":"Ada"}"#, "Runtime.HandlerError"),
    ] {
        let response = http(port, &invoke("greeter", body)).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{body}: {response}");
        assert!(response.contains("x-amz-function-error: Unhandled"), "{body}: {response}");
        assert!(response.contains(error_type), "{body}: {response}");
    }
    assert!(http(port, &invoke("greeter", "{not json")).await.starts_with("HTTP/1.1 400"));
    assert!(http(port, &invoke("nobody", "{}")).await.starts_with("HTTP/1.1 404"));
}
