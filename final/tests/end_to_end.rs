//! The whole system, end to end: books posted to the local runner's HTTP API come out in the
//! DynamoDB table, and a message the consumer cannot read ends up in the dead-letter queue.
//!
//! It needs the Terraform root applied to the emulator and the local runner started on its
//! outputs, which `cargo xtask test` does before running it with `--ignored`.

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

const DISTINCT_BOOKS: usize = 160;
const KEYED_BOOKS: usize = 120;
const REPOSTED_BOOKS: usize = 40;
const CONCURRENT_CLIENTS: usize = 16;
const POISON: &str = "this is not a book";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this test through `cargo xtask test`"))
}

struct Posted {
    index: usize,
    status: u16,
    location: Option<String>,
    id: Option<String>,
}

async fn post(client: &Client<HttpConnector, Full<Bytes>>, api: &str, index: usize, book: &Value) -> Posted {
    let mut request = hyper::Request::post(format!("{api}/books")).header("content-type", "application/json");
    if index < KEYED_BOOKS {
        request = request.header("idempotency-key", format!("e2e-{index}"));
    }
    let request = request.body(Full::new(Bytes::from(book.to_string()))).expect("a valid request");
    let response = client.request(request).await.expect("the local runner answers");
    let status = response.status().as_u16();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.into_body().collect().await.expect("a body").to_bytes();
    let body: Value = serde_json::from_slice(&body).expect("a JSON body");
    Posted { index, status, location, id: body["id"].as_str().map(str::to_owned) }
}

fn book(index: usize) -> Value {
    json!({ "title": format!("Book {index}"), "author": format!("Author {}", index % 7), "year": 1850 + index as i64 })
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the applied stack and the local runner: `cargo xtask test` runs it"]
async fn posted_books_are_stored_once_and_poison_is_dead_lettered() {
    let (api, table) = (env("BOOKS_API_URL"), env("TABLE_NAME"));
    let (queue, dead_letter_queue) = (env("QUEUE_URL"), env("DEAD_LETTER_QUEUE_URL"));
    let sdk = emulator::sdk_config().await;
    let (sqs, dynamodb) = (aws_sdk_sqs::Client::new(&sdk), aws_sdk_dynamodb::Client::new(&sdk));
    let http = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();

    // A message no consumer can read, sent among the first books so it shares their batches.
    sqs.send_message().queue_url(&queue).message_body(POISON).send().await.expect("poison sent");

    // 200 posts, 16 at a time: every distinct book once, then some keyed ones again.
    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(CONCURRENT_CLIENTS));
    let mut posts = JoinSet::new();
    for index in (0..DISTINCT_BOOKS).chain(0..REPOSTED_BOOKS) {
        let (http, api, gate) = (http.clone(), api.clone(), gate.clone());
        posts.spawn(async move {
            let _permit = gate.acquire_owned().await.expect("the gate stays open");
            post(&http, &api, index, &book(index)).await
        });
    }
    let mut ids: BTreeMap<usize, String> = BTreeMap::new();
    let mut answers = 0;
    while let Some(posted) = posts.join_next().await {
        let posted = posted.expect("a post task");
        answers += 1;
        assert_eq!(posted.status, 202, "book {} was not accepted", posted.index);
        let id = posted.id.expect("an id in the answer");
        assert_eq!(posted.location.as_deref(), Some(format!("/books/{id}").as_str()));
        if let Some(first) = ids.insert(posted.index, id.clone()) {
            assert_eq!(first, id, "a re-post with the same Idempotency-Key got another id");
        }
    }
    assert_eq!(answers, DISTINCT_BOOKS + REPOSTED_BOOKS);
    println!("posted {answers} books in {:.1} s", started.elapsed().as_secs_f64());

    // Every accepted book is stored, once, with its fields as posted.
    let accepted: BTreeSet<&String> = ids.values().collect();
    assert_eq!(accepted.len(), DISTINCT_BOOKS);
    let deadline = Instant::now() + Duration::from_secs(60);
    let items = loop {
        let items = scan(&dynamodb, &table).await;
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
    let (_, some_id) = ids.first_key_value().expect("ids");
    let answer = http
        .get(format!("{api}/books/{some_id}").parse().expect("a URI"))
        .await
        .expect("the local runner answers");
    assert_eq!(answer.status(), 200);

    // The poison message reaches the DLQ after maxReceiveCount receives; nothing else does.
    let deadline = Instant::now() + Duration::from_secs(120);
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
        assert!(Instant::now() < deadline, "the poison message did not reach the DLQ within 120 s");
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
