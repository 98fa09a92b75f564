//! Properties of the producer over generated requests: every request, whatever its method,
//! path, headers and body, is answered without a panic or a 5xx; a 4xx never queues anything
//! and says why; a 202 queues exactly one message.
//!
//! AWS is in memory here (`common/memory.rs`): a 4xx never calls it, and a 202 needs only its
//! yes, so the emulator would add nothing but time; the handler tests show the rest on it.
//! 256 cases per property in `cargo test`; `cargo xtask fuzz` runs as many as it is told (it
//! sets `PROPTEST_CASES`), optimised. A failing case is saved, shrunk, in `properties.proptest-regressions`,
//! which is committed: from then on it runs first, every time, as a regression test.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_sqs::operation::send_message::SendMessageOutput;
use books::producer::Producer;
use common::{CountOutputs, Fixture, api_request};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// A runtime, a producer on AWS in memory, and its count of sent messages.
struct Subject {
    runtime: tokio::runtime::Runtime,
    producer: Producer,
    sends: Arc<AtomicUsize>,
}

thread_local! {
    // One per test thread: the tests run in parallel, and each counts its own sends.
    static SUBJECT: Subject = {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let (producer, sends) = runtime.block_on(async {
            let fixture = Fixture::in_memory().await;
            let (counter, sends) = CountOutputs::<SendMessageOutput>::new();
            (Producer::new(fixture.queue_with(counter), fixture.store(), fixture.idempotency()), sends)
        });
        Subject { runtime, producer, sends }
    };
}

/// Posts `body` and checks the properties; returns the status.
fn post_and_check(content_type: &str, body: &[u8]) -> Result<u16, TestCaseError> {
    request_and_check("POST", "/books", &[("content-type", content_type)], body)
}

/// Sends a request and checks the properties; returns the status.
fn request_and_check(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<u16, TestCaseError> {
    SUBJECT.with(|Subject { runtime, producer, sends }| {
        let body = String::from_utf8_lossy(body);
        let before = sends.load(Ordering::SeqCst);
        let response = runtime
            .block_on(producer.handle(api_request(method, path, headers, &body)))
            .map_err(|e| TestCaseError::fail(format!("the handler failed: {e}")))?;
        let status = response.status().as_u16();
        let sent = sends.load(Ordering::SeqCst) - before;
        match status {
            202 => prop_assert_eq!(sent, 1, "a 202 queues exactly one message"),
            200 => prop_assert_eq!(sent, 0, "a 200 only reads"),
            400..=499 => {
                prop_assert_eq!(sent, 0, "a 4xx queues nothing");
                let answer: Value = serde_json::from_slice(response.body().as_ref()).expect("a JSON error");
                prop_assert!(answer["error"].is_string(), "a 4xx says why: {}", answer);
            }
            other => prop_assert!(false, "unexpected status {other}"),
        }
        Ok(status)
    })
}

fn isbn13() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u32..10, 12).prop_map(|digits| {
        let sum: u32 = digits.iter().enumerate().map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 }).sum();
        let check = (10 - sum % 10) % 10;
        digits.iter().chain([check].iter()).map(|d| char::from_digit(*d, 10).expect("a digit")).collect()
    })
}

fn isbn10() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u32..10, 9).prop_map(|digits| {
        let sum: u32 = digits.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
        let check = (11 - sum % 11) % 11;
        let mut isbn: String = digits.iter().map(|d| char::from_digit(*d, 10).expect("a digit")).collect();
        isbn.push(if check == 10 { 'X' } else { char::from_digit(check, 10).expect("a digit") });
        isbn
    })
}

/// ISBNs valid and not, with hyphens and spaces where people put them.
fn isbn() -> impl Strategy<Value = Value> {
    let valid = prop_oneof![isbn13(), isbn10()];
    let spaced = (valid.clone(), proptest::collection::vec(any::<bool>(), 13)).prop_map(|(isbn, gaps)| {
        isbn.chars()
            .zip(gaps)
            .flat_map(|(c, gap)| if gap { vec![c, '-'] } else { vec![c] })
            .collect::<String>()
    });
    prop_oneof![
        valid.prop_map(Value::from),
        spaced.prop_map(Value::from),
        "[0-9Xx -]{0,20}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(Value::Null),
    ]
}

/// Text fields: boundary lengths, Unicode, surrounding whitespace, wrong types.
fn text() -> impl Strategy<Value = Value> {
    prop_oneof![
        "\\PC{1,20}".prop_map(Value::from),
        ("[ \t\n]{0,3}", "\\PC{0,300}", "[ \t\n]{0,3}")
            .prop_map(|(a, b, c)| Value::from(format!("{a}{b}{c}"))),
        (250usize..260).prop_map(|n| Value::from("ß".repeat(n))),
        any::<i32>().prop_map(Value::from),
        Just(Value::Null),
    ]
}

fn year() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3000i64..2100).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[0-9]{1,4}".prop_map(Value::from),
    ]
}

/// JSON objects shaped like a book, each field possibly missing, plus sometimes a stranger.
fn book_like() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(isbn()),
        proptest::option::of(year()),
        proptest::option::of(("[a-z_]{1,8}", any::<u8>())),
    )
        .prop_map(|(title, author, isbn, year, extra)| {
            let mut object = Map::new();
            for (name, value) in [("title", title), ("author", author), ("isbn", isbn), ("year", year)] {
                if let Some(value) = value {
                    object.insert(name.into(), value);
                }
            }
            if let Some((name, value)) = extra {
                object.insert(name, json!(value));
            }
            Value::Object(object)
        })
}

/// Methods API Gateway passes on, and made-up ones.
fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
            .prop_map(String::from),
        "[A-Z]{1,10}",
    ]
}

/// Paths near the routes and far from them: trailing slashes, ids valid and not, percent
/// escapes (valid or not), doubled slashes, queries.
fn path() -> impl Strategy<Value = String> {
    let segment = "[A-Za-z0-9._~%-]{0,40}";
    prop_oneof![
        Just("/books".to_owned()),
        Just("/books/".to_owned()),
        any::<u128>().prop_map(|n| format!("/books/{}", uuid::Uuid::from_u128(n))),
        segment.prop_map(|s| format!("/books/{s}")),
        proptest::collection::vec(segment, 0..5).prop_map(|s| format!("/{}", s.join("/"))),
        (prop::sample::select(vec!["/books", "//books", "/BOOKS", "/books/"]), "[a-z0-9=&%]{0,30}")
            .prop_map(|(p, q)| format!("{p}?{q}")),
    ]
}

/// Header sets: the ones the producer reads, with any values, and strangers.
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        prop::sample::select(vec!["content-type", "idempotency-key", "accept", "content-encoding"])
            .prop_map(String::from),
        "[a-z][a-z0-9-]{0,20}",
    ];
    let value = prop_oneof![
        "[ -~]{0,100}",
        Just("application/json".to_owned()),
        Just("application/json; charset=utf-8".to_owned())
    ];
    proptest::collection::vec((name, value), 0..6)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        book_like().prop_map(|book| book.to_string().into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..512),
    ]
}

// `ProptestConfig::default()` reads `PROPTEST_CASES` (256 when it is unset).
proptest! {
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn any_request_is_answered_without_a_5xx(method in method(), path in path(), headers in headers(), body in body()) {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        request_and_check(&method, &path, &headers, &body)?;
    }

    #[test]
    fn book_shaped_bodies_are_accepted_once_or_refused_with_a_reason(book in book_like()) {
        let status = post_and_check("application/json", book.to_string().as_bytes())?;
        if status == 202 {
            for field in ["title", "author"] {
                let length = book[field].as_str().map(|t| t.trim().chars().count());
                prop_assert!(matches!(length, Some(1..=256)), "{field} accepted with {length:?} characters");
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_fail_the_producer(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        post_and_check("application/json", &body)?;
    }

    #[test]
    fn other_content_types_are_refused(content_type in "[a-z]{1,10}/[a-z+.-]{1,12}", book in book_like()) {
        prop_assume!(content_type != "application/json" && !content_type.ends_with("+json"));
        prop_assert_eq!(post_and_check(&content_type, book.to_string().as_bytes())?, 415);
    }
}
