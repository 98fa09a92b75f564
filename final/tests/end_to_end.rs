//! The whole system, end to end: books posted to the local runner's HTTP API come out in the
//! DynamoDB table, and a message the consumer cannot read ends up in the dead-letter queue.
//!
//! It needs the Terraform root applied to the emulator and the local runner started on its
//! outputs, which `cargo xtask test` does before running it with `--ignored`. The fault run at
//! the end proves the same under faults; `cargo xtask chaos` and `cargo xtask test` run it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

#[path = "common/progress.rs"]
mod progress;
use progress::Progress;

const DISTINCT_BOOKS: usize = 160;
const KEYED_BOOKS: usize = 120;
const REPOSTED_BOOKS: usize = 40;
const CONCURRENT_CLIENTS: usize = 16;
const POISON: &str = "this is not a book";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this test through `cargo xtask test`"))
}

/// The `authorization` header of a caller whose token holds every scope (`BOOKS_API_TOKEN`:
/// `cargo xtask test` signs one as the local issuer; the deploy workflow gets one from the
/// user pool).
fn authorization() -> String {
    format!("Bearer {}", env("BOOKS_API_TOKEN"))
}

struct Posted {
    index: usize,
    status: u16,
    location: Option<String>,
    replayed: bool,
    id: Option<String>,
}

/// Posts books `indices`, `CONCURRENT_CLIENTS` at a time, and gathers the answers.
async fn post_all(
    http: &Client<HttpConnector, Full<Bytes>>,
    api: &str,
    indices: std::ops::Range<usize>,
) -> Vec<Posted> {
    let gate = Arc::new(Semaphore::new(CONCURRENT_CLIENTS));
    let mut posts = JoinSet::new();
    for index in indices {
        let (http, api, gate) = (http.clone(), api.to_owned(), gate.clone());
        posts.spawn(async move {
            let _permit = gate.acquire_owned().await.expect("the gate stays open");
            post(&http, &api, index, &book(index)).await
        });
    }
    posts.join_all().await
}

async fn post(client: &Client<HttpConnector, Full<Bytes>>, api: &str, index: usize, book: &Value) -> Posted {
    let mut request = hyper::Request::post(format!("{api}/books"))
        .header("content-type", "application/json")
        .header("authorization", authorization());
    if index < KEYED_BOOKS {
        request = request.header("idempotency-key", format!("e2e-{index}"));
    }
    let request = request.body(Full::new(Bytes::from(book.to_string()))).expect("a valid request");
    let response = client.request(request).await.expect("the local runner answers");
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let replayed = response.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
    let body = response.into_body().collect().await.expect("a body").to_bytes();
    let body: Value = serde_json::from_slice(&body).expect("a JSON body");
    Posted { index, status, location, replayed, id: body["id"].as_str().map(str::to_owned) }
}

/// Book `index`: every one valid, every title distinct.
fn book(index: usize) -> Value {
    json!({ "title": format!("Book {index}"), "author": format!("Author {}", index % 7), "year": 1850 + (index % 170) as i64 })
}

/// The deploy workflow's smoke test (`.github/actions/environment`): a book posted to a deployed
/// stack is stored and read back, and the dead-letter queue is empty. `cargo xtask test` runs it
/// against the local runner first, so it is proven before any deploy runs it against AWS; it
/// reads AWS's address and credentials from the environment, as the SDK does.
#[tokio::test]
#[ignore = "needs a deployed stack: the deploy workflow, and `cargo xtask test` locally, run it"]
async fn a_deployed_stack_stores_a_posted_book() {
    let (api, dead_letter_queue) = (env("BOOKS_API_URL"), env("DEAD_LETTER_QUEUE_URL"));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
        .expect("the system's root certificates")
        .https_or_http()
        .enable_http1()
        .build();
    let http = Client::builder(TokioExecutor::new()).build::<_, Full<Bytes>>(https);
    let send = |request: hyper::Request<Full<Bytes>>| {
        let http = http.clone();
        async move {
            let response = http.request(request).await.expect("the API answers");
            let status = response.status().as_u16();
            let body = response.into_body().collect().await.expect("a body").to_bytes();
            (status, serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null))
        }
    };

    let post = hyper::Request::post(format!("{api}/books"))
        .header("content-type", "application/json")
        .header("authorization", authorization())
        .header("idempotency-key", format!("smoke-{}", uuid::Uuid::new_v4()))
        .body(Full::new(Bytes::from(r#"{"title":"Smoke test","author":"The deploy workflow"}"#)))
        .expect("a valid request");
    let (status, answer) = send(post).await;
    assert_eq!(status, 202, "POST /books answered {status}: {answer}");
    let id = answer["id"].as_str().expect("the answer carries the book's id").to_owned();

    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let get = hyper::Request::get(format!("{api}/books/{id}"))
            .header("authorization", authorization())
            .body(Full::default())
            .expect("a valid request");
        match send(get).await {
            (200, book) => {
                assert_eq!(book["title"], "Smoke test");
                break;
            }
            (404, _) if Instant::now() < deadline => tokio::time::sleep(Duration::from_secs(1)).await,
            (status, answer) => {
                panic!("GET /books/{id} answered {status} ({answer}): the consumer did not store it")
            }
        }
    }

    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let depth = aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages;
    let attributes = aws_sdk_sqs::Client::new(&sdk)
        .get_queue_attributes()
        .queue_url(&dead_letter_queue)
        .attribute_names(depth.clone())
        .send()
        .await
        .expect("the dead-letter queue's attributes");
    let dead_lettered = attributes.attributes().and_then(|attributes| attributes.get(&depth)).cloned();
    assert_eq!(
        dead_lettered.as_deref(),
        Some("0"),
        "messages wait in the dead-letter queue: see the runbook"
    );
    println!("book {id} posted, stored and read back; the dead-letter queue is empty");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the applied stack and the local runner: `cargo xtask test` runs it"]
async fn posted_books_are_stored_once_and_poison_is_dead_lettered() {
    let (api, table) = (env("BOOKS_API_URL"), env("TABLE_NAME"));
    let (queue, dead_letter_queue) = (env("QUEUE_URL"), env("DEAD_LETTER_QUEUE_URL"));
    let sdk = emulator::sdk_config().await;
    let (sqs, dynamodb) = (aws_sdk_sqs::Client::new(&sdk), aws_sdk_dynamodb::Client::new(&sdk));
    let http = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();

    // What the table already holds (the smoke test's book, which runs first) is not ours.
    let before = scan(&dynamodb, &table).await;

    // A message no consumer can read, sent among the first books so it shares their batches.
    sqs.send_message().queue_url(&queue).message_body(POISON).send().await.expect("poison sent");

    // 160 distinct books, 16 at a time; once all are answered, some keyed ones again. Not at the
    // same time: a key whose first request is still in flight is answered 409, as it should be.
    let started = Instant::now();
    let mut ids: BTreeMap<usize, String> = BTreeMap::new();
    let mut answers = 0;
    for (indices, replayed) in [(0..DISTINCT_BOOKS, false), (0..REPOSTED_BOOKS, true)] {
        for posted in post_all(&http, &api, indices).await {
            answers += 1;
            assert_eq!(posted.status, 202, "book {} was not accepted", posted.index);
            assert_eq!(posted.replayed, replayed, "book {}: Idempotent-Replayed", posted.index);
            let id = posted.id.expect("an id in the answer");
            assert_eq!(posted.location.as_deref(), Some(format!("/books/{id}").as_str()));
            if let Some(first) = ids.insert(posted.index, id.clone()) {
                assert_eq!(first, id, "a re-post with the same Idempotency-Key got another id");
            }
        }
    }
    assert_eq!(answers, DISTINCT_BOOKS + REPOSTED_BOOKS);
    println!("posted {answers} books in {:.1} s", started.elapsed().as_secs_f64());

    // Every accepted book is stored, once, with its fields as posted.
    let accepted: BTreeSet<&String> = ids.values().collect();
    assert_eq!(accepted.len(), DISTINCT_BOOKS);
    let deadline = Instant::now() + Duration::from_secs(60);
    let items = loop {
        let mut items = scan(&dynamodb, &table).await;
        items.retain(|id, _| !before.contains_key(id));
        let stored: BTreeSet<&String> = items.keys().collect();
        if stored == accepted {
            break items;
        }
        assert!(stored.is_subset(&accepted), "the table holds ids that were never accepted");
        assert!(
            Instant::now() < deadline,
            "only {} of {} books stored after 60 s",
            stored.len(),
            accepted.len()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    println!("stored {} books {:.1} s after the first post", items.len(), started.elapsed().as_secs_f64());
    for (index, id) in &ids {
        let item = &items[id];
        let expected = book(*index);
        assert_eq!(
            item.get("title").and_then(|v| v.as_s().ok()).map(String::as_str),
            expected["title"].as_str()
        );
        assert_eq!(
            item.get("author").and_then(|v| v.as_s().ok()).map(String::as_str),
            expected["author"].as_str()
        );
        assert_eq!(
            item.get("year").and_then(|v| v.as_n().ok()).map(String::as_str),
            Some(expected["year"].to_string().as_str())
        );
    }
    // Who may do what, as API Gateway's authorizer decides it before the producer runs: no
    // token is 401, a read-only token may read but not write (403), a full one may write.
    let (_, some_id) = ids.first_key_value().expect("ids");
    let read_only = format!("Bearer {}", env("BOOKS_API_READ_TOKEN"));
    for (method, path, token, status) in [
        ("GET", format!("/books/{some_id}"), Some(authorization()), 200),
        ("GET", format!("/books/{some_id}"), Some(read_only.clone()), 200),
        ("POST", "/books".to_owned(), None, 401),
        ("GET", format!("/books/{some_id}"), None, 401),
        ("POST", "/books".to_owned(), Some("Bearer not-a-token".to_owned()), 401),
        ("POST", "/books".to_owned(), Some(read_only.clone()), 403),
        ("POST", "/books".to_owned(), Some(authorization()), 202),
    ] {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(format!("{api}{path}"))
            .header("content-type", "application/json");
        if let Some(token) = &token {
            request = request.header("authorization", token);
        }
        let body = if method == "POST" { book(DISTINCT_BOOKS + 1).to_string() } else { String::new() };
        let response =
            http.request(request.body(Full::new(Bytes::from(body))).expect("a valid request")).await;
        let status_seen = response.expect("the local runner answers").status();
        assert_eq!(
            status_seen,
            status,
            "{method} {path} with {}",
            token.as_deref().map_or("no token", |_| "a token")
        );
    }

    // A key used before with another body, an empty key and one that is not ASCII: refused,
    // naming the header.
    for (key, status) in [("e2e-0", 422), ("", 400), ("clé-1", 400)] {
        let request = hyper::Request::post(format!("{api}/books"))
            .header("content-type", "application/json")
            .header("authorization", authorization())
            .header("idempotency-key", key)
            .body(Full::new(Bytes::from(book(DISTINCT_BOOKS).to_string())))
            .expect("a valid request");
        let response = http.request(request).await.expect("the local runner answers");
        assert_eq!(response.status(), status, "Idempotency-Key {key:?}");
        let body = response.into_body().collect().await.expect("a body").to_bytes();
        let body: Value = serde_json::from_slice(&body).expect("a JSON body");
        assert_eq!(body["field"], "Idempotency-Key", "{body}");
        if key == "clé-1" {
            assert_eq!(body["error"], "must be printable ASCII", "{body}");
        }
    }

    // The poison message reaches the DLQ after maxReceiveCount receives; nothing else does.
    // maxReceiveCount (5) receives, each after the queue's visibility timeout (19 s here).
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut progress = Progress::since(started);
    let dead_lettered = loop {
        let received = sqs
            .receive_message()
            .queue_url(&dead_letter_queue)
            .max_number_of_messages(10)
            .wait_time_seconds(5)
            .send()
            .await
            .expect("the DLQ can be read");
        let bodies: Vec<String> = received.messages().iter().filter_map(|m| m.body.clone()).collect();
        if !bodies.is_empty() {
            break bodies;
        }
        assert!(Instant::now() < deadline, "the poison message did not reach the DLQ within 180 s");
        progress.say(|_| {
            format!(
                "  {:.0} s after the first post, the poison message is not in the DLQ yet (it gets there on its 5th receive, about 95 s)",
                started.elapsed().as_secs_f64()
            )
        });
    };
    assert_eq!(dead_lettered, [POISON]);
    println!(
        "dead-lettered the poison message {:.1} s after the first post",
        started.elapsed().as_secs_f64()
    );
}

async fn scan(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
) -> BTreeMap<String, BTreeMap<String, AttributeValue>> {
    let pages: Vec<_> =
        dynamodb.scan().table_name(table).into_paginator().items().send().collect::<Vec<_>>().await;
    pages
        .into_iter()
        .map(|item| {
            let item: BTreeMap<String, AttributeValue> =
                item.expect("the table can be scanned").into_iter().collect();
            let id = item["id"].as_s().expect("a string id").clone();
            (id, item)
        })
        .collect()
}

/// Messages no consumer can store, sent straight to the queue by the fault run: each must end in
/// the DLQ, and nothing else may.
fn hostile_messages() -> Vec<String> {
    let envelope = |schema_version: u32, title: &str| {
        json!({
            "schema_version": schema_version,
            "book": { "id": "6f1c2a7e-0d4b-4c55-9a0e-1b2c3d4e5f60", "title": title, "author": "Nobody" },
            "received_at": "2026-01-01T00:00:00Z",
            "request_id": "fault-run",
        })
        .to_string()
    };
    vec![
        POISON.to_owned(),
        r#"{"schema_version":1,"book":{"id":"#.to_owned(),
        envelope(99, "From the future"),
        envelope(1, ""),
        "x".repeat(200 * 1024),
    ]
}

/// A TCP proxy between the local runner and the emulator that can take the emulator away:
/// while it is down, new connections are closed at once and open ones are cut.
struct FaultProxy {
    port: u16,
    down: tokio::sync::watch::Sender<bool>,
}

impl FaultProxy {
    async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a local port");
        let port = listener.local_addr().expect("an address").port();
        let (down, watch) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    // Out of file descriptors, say: wait for some to close rather than stop.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                if *watch.borrow() {
                    continue; // dropped: the connection closes before a byte is read
                }
                let (upstream, mut watch) = (upstream.clone(), watch.clone());
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else { return };
                    let ((mut client_read, mut client_write), (mut server_read, mut server_write)) =
                        (client.into_split(), server.into_split());
                    // Either side closing ends both: a half-closed connection would stay open
                    // (and hold two descriptors) for as long as the emulator keeps its side.
                    tokio::select! {
                        _ = tokio::io::copy(&mut client_read, &mut server_write) => {}
                        _ = tokio::io::copy(&mut server_read, &mut client_write) => {}
                        _ = watch.wait_for(|down| *down) => {}
                    }
                });
            }
        });
        FaultProxy { port, down }
    }

    async fn outage(&self, length: Duration) {
        self.down.send_replace(true);
        tokio::time::sleep(length).await;
        self.down.send_replace(false);
    }
}

/// The fault run's local runner (`examples/chaos_runner.rs`), reaching the emulator through
/// the proxy; killed with SIGKILL and started again mid-run.
struct Runner {
    child: std::process::Child,
}

impl Runner {
    fn start(api_port: u16, endpoint: &str, log: &std::path::Path) -> Self {
        // The runner's queue, table and settings, as xtask reads them from the applied outputs.
        let runner_env: BTreeMap<String, String> =
            serde_json::from_str(&env("CHAOS_RUNNER_ENV")).expect("the runner's environment is JSON");
        let log = std::fs::OpenOptions::new().create(true).append(true).open(log).expect("a log file");
        let mut command = std::process::Command::new(env("CHAOS_RUNNER"));
        command
            .envs(runner_env)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("LOCAL_API_PORT", api_port.to_string())
            .stdout(log.try_clone().expect("a log file"))
            .stderr(log);
        let runner = Runner { child: command.spawn().expect("the fault run's runner starts") };
        assert!(emulator::wait_for_port(api_port, Duration::from_secs(30)), "the runner did not listen");
        runner
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the clients saw on the way.
#[derive(Default)]
struct Trouble {
    unavailable: std::sync::atomic::AtomicUsize,
    connection_errors: std::sync::atomic::AtomicUsize,
}

/// Posts one book until it is accepted, as a client should: retrying on 5xx (after
/// `Retry-After`) and on connection errors, with the same `Idempotency-Key`.
async fn post_until_accepted(
    client: &Client<HttpConnector, Full<Bytes>>,
    api: &str,
    key: &str,
    book: &Value,
    trouble: &Trouble,
) -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < deadline, "{key} was not accepted within 120 s");
        let request = hyper::Request::post(format!("{api}/books"))
            .header("content-type", "application/json")
            .header("authorization", authorization())
            .header("idempotency-key", key)
            .body(Full::new(Bytes::from(book.to_string())))
            .expect("a valid request");
        let response = match client.request(request).await {
            Ok(response) => response,
            Err(_) => {
                trouble.connection_errors.fetch_add(1, Relaxed);
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let status = response.status().as_u16();
        let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
        let Ok(body) = response.into_body().collect().await.map(|body| body.to_bytes()) else {
            trouble.connection_errors.fetch_add(1, Relaxed);
            continue;
        };
        match status {
            202 => {
                let body: Value = serde_json::from_slice(&body).expect("a JSON answer");
                return body["id"].as_str().expect("an id").to_owned();
            }
            409 => {
                // The key's first request is in flight (or died with its runner): wait, retry.
                assert!(retry_after.is_some(), "a 409 without Retry-After");
                tokio::time::sleep(Duration::from_secs(retry_after.unwrap_or(1))).await;
            }
            500..=599 => {
                assert_eq!(status, 503, "the producer answered {status}: {}", String::from_utf8_lossy(&body));
                assert!(retry_after.is_some(), "a 503 without Retry-After");
                trouble.unavailable.fetch_add(1, Relaxed);
                tokio::time::sleep(Duration::from_secs(retry_after.unwrap_or(1)).min(Duration::from_secs(1)))
                    .await;
            }
            _ => panic!("{key} was refused with {status}: {}", String::from_utf8_lossy(&body)),
        }
    }
}

/// Messages in the queue above which the clients hold new books back, and below which they
/// go on. moto's SQS scans the whole queue on every call, so it slows down as the queue grows
/// (before the emulator's cheaper clock, see `emulator/src/lib.rs`: `SendMessage` took 3 ms on
/// an empty queue and 76 ms with 4,000 messages), until the functions' one-second SDK timeouts
/// fail every call; AWS's queue does not. So the run keeps the emulator's queue short; retries
/// are never held back.
const BACKLOG_HIGH: usize = 400;
const BACKLOG_LOW: usize = 200;

/// `true` while the queue holds more than [`BACKLOG_HIGH`] messages, until it is back under
/// [`BACKLOG_LOW`].
fn watch_the_backlog(sqs: aws_sdk_sqs::Client, queue: String) -> tokio::sync::watch::Receiver<bool> {
    let (backlogged, receiver) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        while !backlogged.is_closed() {
            let depth = queue_depth(&sqs, &queue).await;
            let was = *backlogged.borrow();
            backlogged.send_replace(if was { depth > BACKLOG_LOW } else { depth > BACKLOG_HIGH });
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
    receiver
}

async fn queue_depth(sqs: &aws_sdk_sqs::Client, queue: &str) -> usize {
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(queue)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .expect("the queue's attributes");
    attributes
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The fault run: `CHAOS_BOOKS` books posted by 16 clients through the local stack while the
/// emulator goes away twice, the runner is killed and restarted, and DynamoDB leaves writes
/// fails some writes. Every accepted book must be stored exactly once, as posted, and only the
/// hostile messages may reach the DLQ. `cargo xtask chaos` runs it with 10,000 books,
/// `cargo xtask test` with fewer.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the applied stack: `cargo xtask chaos` or `cargo xtask test` runs it"]
async fn fault_run() {
    use std::sync::atomic::Ordering::Relaxed;
    let books: usize = env("CHAOS_BOOKS").parse().expect("CHAOS_BOOKS is a number");
    let (table, queue, dead_letter_queue) =
        (env("TABLE_NAME"), env("QUEUE_URL"), env("DEAD_LETTER_QUEUE_URL"));
    let sdk = emulator::sdk_config().await;
    let (sqs, dynamodb) = (aws_sdk_sqs::Client::new(&sdk), aws_sdk_dynamodb::Client::new(&sdk));
    let emulator_endpoint = env("AWS_ENDPOINT_URL");
    let proxy = Arc::new(FaultProxy::start(emulator_endpoint.trim_start_matches("http://").to_owned()).await);
    let proxied = format!("http://127.0.0.1:{}", proxy.port);
    let api_port = emulator::free_port();
    let api = format!("http://127.0.0.1:{api_port}");
    let log = emulator::data_dir().join("fault-run-runner.log");
    let _ = std::fs::remove_file(&log);
    let runner = Arc::new(std::sync::Mutex::new(Runner::start(api_port, &proxied, &log)));

    let hostile = hostile_messages();
    for body in &hostile {
        sqs.send_message().queue_url(&queue).message_body(body).send().await.expect("a hostile message sent");
    }

    // The faults, each when a share of the books has been accepted, so each lands mid-run.
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let faults = {
        let (proxy, runner, accepted, proxied, log) =
            (proxy.clone(), runner.clone(), accepted.clone(), proxied.clone(), log.clone());
        tokio::spawn(async move {
            let reached = |share: f64| {
                let accepted = accepted.clone();
                async move {
                    while (accepted.load(Relaxed) as f64) < share * books as f64 {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            };
            let mut timeline = Vec::new();
            let started = Instant::now();
            reached(0.15).await;
            timeline.push(format!("{:.1} s: emulator unreachable for 4 s", started.elapsed().as_secs_f64()));
            proxy.outage(Duration::from_secs(4)).await;
            reached(0.40).await;
            timeline.push(format!(
                "{:.1} s: runner killed (SIGKILL), restarted",
                started.elapsed().as_secs_f64()
            ));
            // Blocking (kill, wait, a pause, waiting for the new runner's port): tell the runtime.
            tokio::task::block_in_place(|| {
                let mut runner = runner.lock().expect("not poisoned");
                runner.child.kill().expect("the runner is killed");
                runner.child.wait().expect("the runner is reaped");
                std::thread::sleep(Duration::from_secs(1));
                *runner = Runner::start(api_port, &proxied, &log);
            });
            reached(0.65).await;
            timeline.push(format!("{:.1} s: emulator unreachable for 4 s", started.elapsed().as_secs_f64()));
            proxy.outage(Duration::from_secs(4)).await;
            timeline
        })
    };

    let http = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let trouble = Arc::new(Trouble::default());
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(CONCURRENT_CLIENTS));
    let backlogged = watch_the_backlog(sqs.clone(), queue.clone());
    let mut posts = JoinSet::new();
    for index in 0..books {
        let (http, api, gate, trouble, accepted, mut backlogged) =
            (http.clone(), api.clone(), gate.clone(), trouble.clone(), accepted.clone(), backlogged.clone());
        posts.spawn(async move {
            let _permit = gate.acquire_owned().await.expect("the gate stays open");
            let _ = backlogged.wait_for(|backlogged| !*backlogged).await;
            let id =
                post_until_accepted(&http, &api, &format!("fault-{index}"), &book(index), &trouble).await;
            accepted.fetch_add(1, Relaxed);
            (index, id)
        });
    }
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(posted) = posts.join_next().await {
        let (index, id) = posted.expect("a post task");
        assert!(ids.insert(id, index).is_none(), "two books were given one id");
    }
    let timeline = faults.await.expect("the faults ran");
    println!(
        "accepted {books} books in {:.1} s through {} answers 503 and {} connection errors",
        started.elapsed().as_secs_f64(),
        trouble.unavailable.load(Relaxed),
        trouble.connection_errors.load(Relaxed)
    );
    for event in &timeline {
        println!("  {event}");
    }
    assert!(
        trouble.unavailable.load(Relaxed) > 0,
        "no client saw the emulator go away: the run proved nothing"
    );
    assert!(
        trouble.connection_errors.load(Relaxed) > 0,
        "no client saw the runner die: the run proved nothing"
    );

    // Wait for the table to hold every accepted book and the DLQ every hostile message.
    let deadline = Instant::now() + Duration::from_secs(360);
    let mut progress = Progress::since(started);
    let items = loop {
        let items = scan(&dynamodb, &table).await;
        let dead_lettered = queue_depth(&sqs, &dead_letter_queue).await;
        if ids.keys().all(|id| items.contains_key(id)) && dead_lettered >= hostile.len() {
            break items;
        }
        if Instant::now() > deadline {
            break items;
        }
        progress.say(|progress| {
            let (stored, total) = (ids.keys().filter(|id| items.contains_key(*id)).count(), ids.len());
            let hostile = hostile.len();
            if stored == total {
                format!(
                    "  all {total} stored, dead-lettered {dead_lettered} of {hostile} (the hostile messages get there on their 5th receive)"
                )
            } else {
                format!("  {}, dead-lettered {dead_lettered} of {hostile}", progress.count(stored, total, "stored"))
            }
        });
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    let lost = ids.keys().filter(|id| !items.contains_key(*id)).count();
    let mut per_title: BTreeMap<&str, usize> = BTreeMap::new();
    for item in items.values() {
        *per_title
            .entry(item.get("title").and_then(|v| v.as_s().ok()).map_or("", String::as_str))
            .or_default() += 1;
    }
    let duplicated: usize = per_title.values().map(|copies| copies.saturating_sub(1)).sum();
    let never_accepted = items.keys().filter(|id| !ids.contains_key(*id)).count();
    for (id, index) in &ids {
        let (Some(item), expected) = (items.get(id), book(*index)) else { continue };
        let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        assert_eq!(text("title").as_deref(), expected["title"].as_str(), "book {index} stored wrong");
        assert_eq!(text("author").as_deref(), expected["author"].as_str(), "book {index} stored wrong");
        let year = item.get("year").and_then(|v| v.as_n().ok()).cloned();
        assert_eq!(year, Some(expected["year"].to_string()), "book {index} stored wrong");
    }

    let mut dead_letters = Vec::new();
    loop {
        let received = sqs
            .receive_message()
            .queue_url(&dead_letter_queue)
            .max_number_of_messages(10)
            .visibility_timeout(300)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("the DLQ can be read");
        if received.messages().is_empty() {
            break;
        }
        dead_letters.extend(received.messages().iter().filter_map(|m| m.body.clone()));
    }
    let valid_dead_letters = dead_letters.iter().filter(|body| !hostile.contains(body)).count();
    println!(
        "accepted {}, stored {}, lost {lost}, duplicated {duplicated}, dead-lettered {} ({})",
        ids.len(),
        items.len(),
        dead_letters.len(),
        if valid_dead_letters == 0 {
            "all invalid".to_owned()
        } else {
            format!("{valid_dead_letters} VALID")
        }
    );
    let throttled = std::fs::read_to_string(&log).unwrap_or_default().matches("FailWrites").count();
    println!("{throttled} writes failed and were delivered again");
    assert!(throttled > 0, "no write failed: the run proved nothing");
    assert_eq!(lost, 0, "accepted books were lost (the runner's log: {})", log.display());
    assert_eq!(duplicated, 0, "books were stored more than once");
    assert_eq!(never_accepted, 0, "the table holds books no client was told were accepted");
    assert_eq!(valid_dead_letters, 0, "valid messages were dead-lettered");
    assert_eq!(dead_letters.len(), hostile.len(), "every hostile message ends in the DLQ, once");
}
