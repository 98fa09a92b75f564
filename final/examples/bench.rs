//! The measuring half of `cargo xtask bench`: the parts that need the Lambda Runtime API host
//! or the SDK. xtask builds what is measured, starts the emulator (`AWS_ENDPOINT_URL`), runs
//! this, and writes the performance page from the JSON it prints.
//!
//! - `bench cold-init RUNS WARM NAME=BOOTSTRAP...`: starts each bootstrap under a Runtime API
//!   host, RUNS times, in turns, and times its init (process start to its first request for
//!   work), its first invocation and WARM warm invocations.
//! - `bench consumer MESSAGES RUNS`: queues the same MESSAGES books for the real consumer and
//!   for a naive one (one `PutItem` per record, in order), drains each through the local
//!   runner's poller, and counts records per second and write calls per record. Then hands
//!   the same books, in batches, to each handler in front of a DynamoDB whose every call takes
//!   [`ROUND_TRIP`], as a call from Lambda to DynamoDB does, and counts records per second:
//!   moto serves one call at a time, so only there can writes in flight show what they buy.
//! - `bench api-baseline PORT`: serves, until killed, a function that answers `POST /books`
//!   without queueing anything, behind the same local front as the producer: the baseline of
//!   the API load test.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::types::Select;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use books::book::Book;
use books::consumer::Consumer;
use books::message::BookMessage;
use books::metrics::Metrics;
use books::store::{BookStore, StoredBook};
use lambda_http::{Body, Response};
use lambda_local::authorizer::JwtAuthorizer;
use lambda_local::runtime_api::{Outcome, RuntimeApi};
use lambda_local::{HttpFront, SqsEventSource};
use lambda_runtime::{Context, Error, LambdaEvent};
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::task::JoinSet;

#[path = "../tests/common/progress.rs"]
mod progress;
use progress::Progress;

/// `SendMessageBatch` calls in flight while the queue is filled.
const FILL_CONCURRENCY: usize = 8;

/// What one DynamoDB call costs the consumer on Lambda: AWS puts an atomic `PutItem` at
/// single-digit milliseconds, plus the network within a region.
const ROUND_TRIP: Duration = Duration::from_millis(5);

/// Records per batch handed to a handler: the deployed batch size.
const BATCH_SIZE: usize = 100;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| -> Result<usize, Error> {
        let arg = args.get(i).ok_or("missing a number")?;
        arg.parse().map_err(|_| format!("{arg:?} is not a number").into())
    };
    let result = match args.first().map(String::as_str) {
        Some("cold-init") => cold_init(number(1)?, number(2)?, &args[3..]).await?,
        Some("consumer") => consumer_throughput(number(1)?, number(2)?).await?,
        Some("api-baseline") => return api_baseline(u16::try_from(number(1)?)?).await,
        _ => return Err(
            "usage: bench cold-init RUNS WARM NAME=BOOTSTRAP... | consumer MESSAGES RUNS | api-baseline PORT"
                .into(),
        ),
    };
    println!("{result}");
    Ok(())
}

/// Init, first invocation and warm invocations of each bootstrap, in milliseconds, one list
/// per function. The functions take turns, starting one further along on every run, so that
/// no function always runs first (with the coldest page cache) or last.
async fn cold_init(runs: usize, warm: usize, functions: &[String]) -> Result<Value, Error> {
    let functions: Vec<(&str, &str)> = functions
        .iter()
        .map(|f| f.split_once('=').ok_or("NAME=BOOTSTRAP expected"))
        .collect::<Result<_, _>>()?;
    let (queue_url, table) = fresh_queue_and_table().await;
    let mut results: Vec<Value> =
        functions.iter().map(|_| json!({"init": [], "first": [], "warm": []})).collect();
    for run in 0..runs {
        for turn in 0..functions.len() {
            let index = (run + turn) % functions.len();
            let (name, bootstrap) = functions[index];
            let timings = start_and_invoke(name, bootstrap, warm, &queue_url, &table).await?;
            for (key, values) in ["init", "first", "warm"].into_iter().zip(timings) {
                let list = results[index][key].as_array_mut().expect("a list");
                list.extend(values.into_iter().map(Value::from));
            }
        }
    }
    let by_name = functions.iter().map(|(name, _)| name.to_string()).zip(results).collect();
    Ok(Value::Object(by_name))
}

/// One cold start of `bootstrap`: `[[init], [first invocation], [warm invocations…]]` in ms.
async fn start_and_invoke(
    name: &str,
    bootstrap: &str,
    warm: usize,
    queue_url: &str,
    table: &str,
) -> Result<[Vec<f64>; 3], Error> {
    let mut api = RuntimeApi::start().await?;
    let mut command = Command::new(bootstrap);
    command
        .envs(api.function_env(name))
        .envs(emulator::DUMMY_AWS_ENV)
        .env("AWS_ENDPOINT_URL", emulator::Emulator::shared_endpoint())
        .env("QUEUE_URL", queue_url)
        .env("TABLE_NAME", table)
        // The bench posts no Idempotency-Key, so this table is never touched; the producer
        // only needs a name to start.
        .env("IDEMPOTENCY_TABLE_NAME", table)
        // Lambda sends the logs on; here, writing them to a terminal would be timed too.
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot start {bootstrap}: {e}"))?;
    let timings = time_invocations(&mut api, name, warm, started).await;
    let _ = child.kill();
    let _ = child.wait();
    timings
}

/// Waits for the function started at `started` to ask for work, then invokes it `1 + warm`
/// times, one after the other.
async fn time_invocations(
    api: &mut RuntimeApi,
    name: &str,
    warm: usize,
    started: Instant,
) -> Result<[Vec<f64>; 3], Error> {
    let limit = Duration::from_secs(30);
    tokio::time::timeout(limit, api.asked_for_work(1))
        .await
        .map_err(|_| format!("{name} never asked the Runtime API for work within 30 s"))?;
    let init = millis(started.elapsed());
    let mut invocations = Vec::with_capacity(1 + warm);
    for i in 0..=warm {
        let started = Instant::now();
        api.invoke(&format!("bench-{i}"), event_for(name, i)?);
        match tokio::time::timeout(limit, api.outcome()).await {
            Ok(Some(Outcome::Response { .. })) => invocations.push(millis(started.elapsed())),
            other => return Err(format!("{name} did not answer invocation {i}: {other:?}").into()),
        }
    }
    let warm = invocations.split_off(1);
    Ok([vec![init], invocations, warm])
}

/// The event each function gets: a `POST /books` for the producer, a one-record batch for the
/// consumer, anything for hello-world. Every invocation carries a new book.
fn event_for(function: &str, invocation: usize) -> Result<Value, Error> {
    let title = format!("Cold start {}", uuid::Uuid::new_v4());
    match function {
        "producer" => {
            let request = lambda_http::http::Request::builder()
                .method("POST")
                .uri("/books")
                .header("host", "bench.execute-api.us-east-1.amazonaws.com")
                .header("content-type", "application/json")
                .body(())?;
            let body = json!({ "title": title, "author": "Octavia E. Butler" }).to_string();
            let (parts, ()) = request.into_parts();
            Ok(lambda_local::http_front::api_gateway_event(
                &parts,
                body.as_bytes(),
                std::net::SocketAddr::from(([127, 0, 0, 1], 40_000)),
            ))
        }
        "consumer" => {
            let mut record = SqsMessage::default();
            record.message_id = Some(format!("message-{invocation}"));
            record.body = Some(book_message(&title).to_json());
            let mut event = SqsEvent::default();
            event.records = vec![record];
            Ok(serde_json::to_value(event)?)
        }
        _ => Ok(json!({ "hello": "world" })),
    }
}

fn book_message(title: &str) -> BookMessage {
    let object = json!({ "title": title, "author": "Octavia E. Butler", "year": 1979 });
    let object = object.as_object().expect("an object");
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, title.as_bytes());
    let book = Book::from_json(id, object, 2100).expect("a valid book");
    BookMessage::new(book, "bench".into())
}

async fn fresh_queue_and_table() -> (String, String) {
    let sdk = emulator::sdk_config().await;
    let table = emulator::fresh_table(&aws_sdk_dynamodb::Client::new(&sdk)).await;
    let (queue_url, _) = emulator::fresh_queue_with_dlq(&aws_sdk_sqs::Client::new(&sdk), 60, 10).await;
    (queue_url, table)
}

/// Which consumer drains the queue.
#[derive(Clone, Copy, Debug)]
enum Contender {
    /// `books::consumer::Consumer`, as deployed.
    Real,
    /// One `PutItem` per record, in order, as a first attempt would be written.
    Naive,
}

/// Records per second (end to end, and inside the handler) and write calls per record of
/// each consumer, over the same `messages` books, `runs` times each, in turns.
async fn consumer_throughput(messages: usize, runs: usize) -> Result<Value, Error> {
    let bodies: Vec<String> =
        (0..messages).map(|i| book_message(&format!("Throughput {i:05}")).to_json()).collect();
    let mut results = serde_json::Map::new();
    for run in 0..runs {
        let order = if run % 2 == 0 {
            [Contender::Real, Contender::Naive]
        } else {
            [Contender::Naive, Contender::Real]
        };
        for contender in order {
            let mut measured = drain(contender, &bodies).await?;
            measured.insert(
                "round_trip_records_per_second".into(),
                json!(behind_round_trip(contender, &bodies).await?),
            );
            let entry = results.entry(format!("{contender:?}").to_lowercase()).or_insert_with(|| json!({}));
            for (key, value) in measured {
                let list = entry.as_object_mut().expect("an object").entry(key).or_insert_with(|| json!([]));
                list.as_array_mut().expect("a list").push(value);
            }
        }
    }
    results.insert("round_trip_ms".into(), json!(millis(ROUND_TRIP)));
    Ok(Value::Object(results))
}

/// Records per second of `contender` inside its handler, fed `bodies` in batches, in front of
/// [`RemoteDynamoDb`]; fails unless every book is stored.
async fn behind_round_trip(contender: Contender, bodies: &[String]) -> Result<f64, Error> {
    let remote = RemoteDynamoDb::start(ROUND_TRIP).await?;
    let sdk = emulator::sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk).endpoint_url(&remote.endpoint).build(),
    );
    let table = "books";
    let consumer = Consumer::new(BookStore::new(dynamodb.clone(), table), Metrics::new("bench"));
    let mut inside = Duration::ZERO;
    for (batch, chunk) in bodies.chunks(BATCH_SIZE).enumerate() {
        let mut event = SqsEvent::default();
        event.records = chunk
            .iter()
            .enumerate()
            .map(|(i, body)| {
                let mut record = SqsMessage::default();
                record.message_id = Some(format!("{batch}-{i}"));
                record.body = Some(body.clone());
                record
            })
            .collect();
        let event = LambdaEvent::new(event, Context::default());
        let started = Instant::now();
        let response = match contender {
            Contender::Real => consumer.handle(event).await?,
            Contender::Naive => naive_consumer(&dynamodb, table, event).await,
        };
        inside += started.elapsed();
        if !response.batch_item_failures.is_empty() {
            return Err(format!(
                "the {contender:?} consumer failed {} records behind a {} ms round trip",
                response.batch_item_failures.len(),
                millis(ROUND_TRIP)
            )
            .into());
        }
    }
    let stored = remote.stored();
    if stored != bodies.len() {
        return Err(format!("the {contender:?} consumer stored {stored} books of {}", bodies.len()).into());
    }
    Ok(bodies.len() as f64 / inside.as_secs_f64())
}

/// A DynamoDB that answers each `PutItem` after a fixed round trip and serves calls in
/// parallel, as DynamoDB does. It keeps each id's newest `accepted_at` and refuses a put whose
/// `ConditionExpression` (the consumer's "newer than stored") does not hold, with DynamoDB's own
/// error, so the consumer meets the answers it meets on AWS.
struct RemoteDynamoDb {
    endpoint: String,
    accepted_at: Arc<Mutex<HashMap<String, i64>>>,
    server: tokio::task::JoinHandle<()>,
}

impl RemoteDynamoDb {
    async fn start(round_trip: Duration) -> Result<Self, Error> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let accepted_at = Arc::new(Mutex::new(HashMap::new()));
        let table = accepted_at.clone();
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let table = table.clone();
                let service =
                    hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let table = table.clone();
                        async move {
                            let body =
                                http_body_util::BodyExt::collect(request.into_body()).await?.to_bytes();
                            tokio::time::sleep(round_trip).await;
                            let (status, answer) = Self::put_item(&table, &body);
                            Ok::<_, Error>(
                                hyper::Response::builder()
                                    .status(status)
                                    .header("content-type", "application/x-amz-json-1.0")
                                    .body(http_body_util::Full::new(hyper::body::Bytes::from(answer)))?,
                            )
                        }
                    });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
                );
            }
        });
        Ok(RemoteDynamoDb { endpoint, accepted_at, server })
    }

    /// DynamoDB's status and body for one `PutItem` request.
    fn put_item(table: &Mutex<HashMap<String, i64>>, body: &[u8]) -> (u16, String) {
        let request: Value = serde_json::from_slice(body).unwrap_or_default();
        let item = &request["Item"];
        let (Some(id), Some(accepted_at)) =
            (item["id"]["S"].as_str(), item["accepted_at"]["N"].as_str().and_then(|n| n.parse::<i64>().ok()))
        else {
            let error =
                json!({ "__type": "com.amazon.coral.validate#ValidationException", "message": "not a book" });
            return (400, error.to_string());
        };
        let mut table = table.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let conditional = request.get("ConditionExpression").is_some();
        match table.get(id) {
            Some(&stored) if conditional && stored >= accepted_at => {
                let error = json!({
                    "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                    "message": "The conditional request failed",
                });
                (400, error.to_string())
            }
            _ => {
                table.insert(id.to_owned(), accepted_at);
                (200, "{}".to_owned())
            }
        }
    }

    fn stored(&self) -> usize {
        self.accepted_at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }
}

impl Drop for RemoteDynamoDb {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Fills a fresh queue with `bodies`, drains it into a fresh table with `contender` behind
/// the local poller (the deployed batch size and window), and checks every book was stored.
async fn drain(contender: Contender, bodies: &[String]) -> Result<serde_json::Map<String, Value>, Error> {
    let sdk = emulator::sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let (queue_url, table) = fresh_queue_and_table().await;
    fill(&sqs, &queue_url, bodies).await?;

    let (counter, write_calls) = CountCalls::new();
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(counter).build(),
    );
    let store = BookStore::new(dynamodb.clone(), &table);
    let consumer = Consumer::new(store, Metrics::new("bench"));
    let (stored, handler_nanos) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let handler = {
        let (stored, handler_nanos, table) = (stored.clone(), handler_nanos.clone(), table.clone());
        let dynamodb = dynamodb.clone();
        move |event: LambdaEvent<SqsEvent>| {
            let (consumer, dynamodb, table) = (consumer.clone(), dynamodb.clone(), table.clone());
            let (stored, handler_nanos) = (stored.clone(), handler_nanos.clone());
            async move {
                let records = event.payload.records.len();
                let started = Instant::now();
                let response = match contender {
                    Contender::Real => consumer.handle(event).await?,
                    Contender::Naive => naive_consumer(&dynamodb, &table, event).await,
                };
                handler_nanos.fetch_add(started.elapsed().as_nanos() as usize, Ordering::Relaxed);
                stored.fetch_add(records - response.batch_item_failures.len(), Ordering::Relaxed);
                Ok::<_, Error>(response)
            }
        }
    };
    let source = SqsEventSource {
        queue_url,
        function_name: "consumer".into(),
        batch_size: 100,
        batching_window: Duration::from_secs(1),
        timeout: Duration::from_secs(30),
    };
    let started = Instant::now();
    let poller = tokio::spawn(async move { source.poll(sqs, emulator::REGION.into(), handler).await });
    let mut progress = Progress::since(started);
    while stored.load(Ordering::Relaxed) < bodies.len() {
        progress.say(|progress| {
            let done = stored.load(Ordering::Relaxed);
            format!("    {contender:?} consumer: {}", progress.count(done, bodies.len(), "records stored"))
        });
        if poller.is_finished() || started.elapsed() > Duration::from_secs(1800) {
            return Err(format!(
                "the {contender:?} consumer stopped at {} records",
                stored.load(Ordering::Relaxed)
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    poller.abort();
    let calls = write_calls.load(Ordering::Relaxed);
    let items = count_items(&dynamodb, &table).await?;
    if items != bodies.len() {
        return Err(format!("the {contender:?} consumer stored {items} books of {}", bodies.len()).into());
    }
    let records = bodies.len() as f64;
    let measured = json!({
        "records_per_second": records / elapsed.as_secs_f64(),
        "handler_records_per_second": records / Duration::from_nanos(handler_nanos.load(Ordering::Relaxed) as u64).as_secs_f64(),
        "write_calls_per_record": calls as f64 / records,
        "seconds": elapsed.as_secs_f64(),
    });
    Ok(measured.as_object().expect("an object").clone())
}

/// The consumer a first attempt would write: each record parsed and put on its own, in order.
async fn naive_consumer(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    event: LambdaEvent<SqsEvent>,
) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for record in event.payload.records {
        let message_id = record.message_id.unwrap_or_default();
        let stored = match BookMessage::from_json(record.body.as_deref().unwrap_or_default()) {
            Ok(message) => {
                let item = serde_dynamo::to_item(StoredBook::new(message, OffsetDateTime::now_utc()));
                match item {
                    Ok(item) => {
                        dynamodb.put_item().table_name(table).set_item(Some(item)).send().await.is_ok()
                    }
                    Err(_) => false,
                }
            }
            Err(_) => false,
        };
        if !stored {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message_id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}

async fn fill(sqs: &aws_sdk_sqs::Client, queue_url: &str, bodies: &[String]) -> Result<(), Error> {
    let mut sends = JoinSet::new();
    for (chunk_index, chunk) in bodies.chunks(10).enumerate() {
        if sends.len() >= FILL_CONCURRENCY {
            sends.join_next().await.expect("a send in flight")??;
        }
        let entries: Vec<SendMessageBatchRequestEntry> = chunk
            .iter()
            .enumerate()
            .map(|(i, body)| {
                SendMessageBatchRequestEntry::builder()
                    .id(format!("{chunk_index}-{i}"))
                    .message_body(body)
                    .build()
            })
            .collect::<Result<_, _>>()?;
        let send = sqs.send_message_batch().queue_url(queue_url).set_entries(Some(entries)).send();
        sends.spawn(async move {
            let sent = send.await?;
            match sent.failed().is_empty() {
                true => Ok::<_, Error>(()),
                false => Err(format!("the emulator refused {} messages", sent.failed().len()).into()),
            }
        });
    }
    while let Some(sent) = sends.join_next().await {
        sent??;
    }
    Ok(())
}

async fn count_items(dynamodb: &aws_sdk_dynamodb::Client, table: &str) -> Result<usize, Error> {
    let mut pages = dynamodb.scan().table_name(table).select(Select::Count).into_paginator().send();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        count += usize::try_from(page?.count()).unwrap_or_default();
    }
    Ok(count)
}

/// Counts the DynamoDB calls a consumer makes (each attempt, retries included).
#[derive(Debug)]
struct CountCalls(Arc<AtomicUsize>);

impl CountCalls {
    fn new() -> (Self, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        (CountCalls(count.clone()), count)
    }
}

impl Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "CountCalls"
    }

    fn read_before_transmit(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// The API's baseline: the producer's front, behind the same authorizer (from the runner's
/// environment), with a function that accepts every book without validating or queueing it.
async fn api_baseline(port: u16) -> Result<(), Error> {
    let authorizer = lambda_local::authorizer_from_env()?
        .map(|(settings, issuer)| Arc::new(JwtAuthorizer::new(settings, issuer.key_set())));
    let front = HttpFront {
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        function_name: "baseline".into(),
        timeout: Duration::from_secs(10),
        authorizer,
    };
    let listener = front.bind().await?;
    front
        .serve(listener, emulator::REGION.into(), |_request| async {
            let body = json!({ "id": uuid::Uuid::new_v4(), "outcome": "accepted" }).to_string();
            Ok::<_, Error>(Response::builder().status(202).body(Body::from(body))?)
        })
        .await
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
