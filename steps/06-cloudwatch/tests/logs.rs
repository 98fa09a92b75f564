//! What the consumer's real binary writes to stdout, where Lambda collects its logs: run under
//! a stand-in for Lambda's Runtime API, with the JSON log format the lambdas module sets.

use std::process::{Command, Stdio};
use std::time::Duration;

use lambda_local::runtime_api::{Outcome, RuntimeApi};
use serde_json::{Value, json};

#[tokio::test]
async fn the_consumer_logs_json_with_the_request_id_and_writes_the_books_stored_metric() {
    let endpoint = emulator::Emulator::shared_endpoint();
    let dynamodb = aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await);
    let table = emulator::fresh_table(&dynamodb).await;
    let mut api = RuntimeApi::start().await.unwrap();
    let mut consumer = Command::new(env!("CARGO_BIN_EXE_step06-consumer"));
    consumer
        .envs(api.function_env("step06-consumer"))
        .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
        .env("AWS_LAMBDA_LOG_LEVEL", "INFO")
        .env("TABLE_NAME", &table)
        .env("AWS_ENDPOINT_URL", endpoint)
        .envs(emulator::DUMMY_AWS_ENV)
        .stdout(Stdio::piped());
    for name in emulator::REAL_AWS_ENV {
        consumer.env_remove(name);
    }
    let consumer = consumer.spawn().expect("the consumer binary starts");

    let event: Value = serde_json::from_str(include_str!("../events/sqs-batch.json")).unwrap();
    api.invoke("request-1", event);
    let outcome = tokio::time::timeout(Duration::from_secs(30), api.outcome()).await;
    let stdout = stop(consumer);
    // What the function wrote, for `cargo test … -- --nocapture` to show.
    print!("{stdout}");
    let lines: Vec<Value> =
        stdout.lines().map(|line| serde_json::from_str(line).expect("every line is JSON")).collect();

    let poison =
        json!({ "batchItemFailures": [{ "itemIdentifier": "9b2d4f6a-8c1e-4a3b-b5d7-e9f1a3c5b7d9" }] });
    assert_eq!(
        outcome.expect("an answer"),
        Some(Outcome::Response { request_id: "request-1".into(), body: poison })
    );
    let logged = |message: &str| {
        lines
            .iter()
            .find(|line| line["fields"]["message"] == message)
            .unwrap_or_else(|| panic!("no {message:?} line in:\n{stdout}"))
    };
    assert_eq!(logged("batch done")["span"]["requestId"], "request-1");
    insta::assert_json_snapshot!("a_log_line_as_lambda_receives_it", logged("batch done"));
    assert_eq!(logged("batch done")["fields"]["stored"], 1);
    assert_eq!(logged("unreadable record")["level"], "WARN");
    let metric = lines.iter().find(|line| line.get("_aws").is_some()).expect("an EMF line");
    assert_eq!((&metric["FunctionName"], &metric["BooksStored"]), (&json!("step06-consumer"), &json!(1)));
}

/// Stops the function and returns what it wrote to stdout.
fn stop(mut function: std::process::Child) -> String {
    let _ = function.kill();
    let output = function.wait_with_output().expect("the function's output");
    String::from_utf8(output.stdout).expect("UTF-8 logs")
}

#[test]
fn the_metric_line_is_embedded_metric_format() {
    let line = step06_cloudwatch::metrics::Metrics::new("step06-consumer").books_stored_line(
        7,
        time::OffsetDateTime::from_unix_timestamp_nanos(1_795_597_200_250_000_000).unwrap(),
    );
    insta::assert_json_snapshot!(line);
}
