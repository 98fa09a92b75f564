//! Sending, receiving and storing against the local emulator, on a fresh queue and table.

use std::time::{Duration, Instant};

use serde_json::json;
use step02_sqs::book::{Book, book_id};
use step02_sqs::message::{BookMessage, UnreadableMessage};
use step02_sqs::queue::BookQueue;
use step02_sqs::receive::{BatchOutcome, receive_and_store};
use step02_sqs::store::BookStore;

struct Stack {
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    dead_letter_url: String,
    store: BookStore,
}

/// A table, and a queue whose messages move to its DLQ after two failed receives.
async fn stack() -> Stack {
    let sdk = emulator::sdk_config().await;
    let (sqs, dynamodb) = (aws_sdk_sqs::Client::new(&sdk), aws_sdk_dynamodb::Client::new(&sdk));
    let table = emulator::fresh_table(&dynamodb).await;
    let (queue_url, dead_letter_url) = emulator::fresh_queue_with_dlq(&sqs, 1, 2).await;
    Stack { sqs, queue_url, dead_letter_url, store: BookStore::new(dynamodb, table) }
}

fn message(title: &str) -> BookMessage {
    let body = json!({ "title": title, "author": "Octavia E. Butler" });
    let book = Book::from_json(book_id(Some(title)), body.as_object().unwrap(), 2100).unwrap();
    BookMessage::new(book, "request-1".into())
}

#[tokio::test]
async fn a_sent_book_is_received_and_stored() {
    let stack = stack().await;
    let kindred = message("Kindred");
    BookQueue::new(stack.sqs.clone(), &stack.queue_url).send(&kindred).await.unwrap();

    let outcome = receive_and_store(&stack.sqs, &stack.queue_url, &stack.store, 1).await.unwrap();

    assert_eq!(outcome, BatchOutcome { stored: 1, failed: 0 });
    assert_eq!(stack.store.get(kindred.book.id).await.unwrap(), Some(kindred.book));
    let again = receive_and_store(&stack.sqs, &stack.queue_url, &stack.store, 0).await.unwrap();
    assert_eq!(again, BatchOutcome::default(), "a stored message is deleted");
}

#[tokio::test]
async fn a_poison_message_reaches_the_dead_letter_queue() {
    let stack = stack().await;
    stack.sqs.send_message().queue_url(&stack.queue_url).message_body("not a book").send().await.unwrap();
    BookQueue::new(stack.sqs.clone(), &stack.queue_url).send(&message("Dawn")).await.unwrap();

    let deadline = Instant::now() + Duration::from_secs(20);
    let dead_lettered = loop {
        receive_and_store(&stack.sqs, &stack.queue_url, &stack.store, 1).await.unwrap();
        let received = stack.sqs.receive_message().queue_url(&stack.dead_letter_url).send().await.unwrap();
        if let Some(message) = received.messages().first() {
            break message.body().unwrap_or_default().to_owned();
        }
        assert!(Instant::now() < deadline, "the poison message did not reach the DLQ");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };

    assert_eq!(dead_lettered, "not a book");
    assert!(stack.store.get(message("Dawn").book.id).await.unwrap().is_some(), "the good message was stored");
}

#[test]
fn the_message_is_a_versioned_envelope() {
    let envelope: serde_json::Value = serde_json::from_str(&message("Kindred").to_json()).unwrap();
    insta::assert_json_snapshot!(envelope, { ".received_at" => "[time]" });
}

#[test]
fn an_envelope_reads_back_and_an_unknown_version_is_refused() {
    let kindred = message("Kindred");
    assert_eq!(BookMessage::from_json(&kindred.to_json()).unwrap(), kindred);
    let newer = kindred.to_json().replace("\"schema_version\":1", "\"schema_version\":2");
    assert!(matches!(BookMessage::from_json(&newer), Err(UnreadableMessage::UnknownVersion(2))));
    assert!(matches!(BookMessage::from_json("not a book"), Err(UnreadableMessage::Malformed(_))));
}
