//! The producer's handler, invoked with the events in `events/` as Lambda would invoke it,
//! against the local emulator.

use lambda_runtime::{Context, LambdaEvent};
use step04_lambdas::message::BookMessage;
use step04_lambdas::producer::{Answer, Producer, Request};
use step04_lambdas::queue::BookQueue;
use step04_lambdas::store::BookStore;

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

/// An event file from `events/`, as the runtime would deserialize it.
fn event(file: &str) -> LambdaEvent<Request> {
    let path = format!("{}/events/{file}", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut context = Context::default();
    context.request_id = "test-request".into();
    LambdaEvent::new(serde_json::from_str(&json).expect("the event is a Request"), context)
}

async fn queued(fixture: &Fixture) -> Vec<BookMessage> {
    let received = fixture
        .sqs
        .receive_message()
        .queue_url(&fixture.queue_url)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    received.messages().iter().map(|m| BookMessage::from_json(m.body().unwrap()).unwrap()).collect()
}

#[tokio::test]
async fn an_added_book_is_queued_under_the_id_of_its_idempotency_key() {
    let fixture = fixture().await;

    let answer = fixture.producer.handle(event("add-book.json")).await.unwrap();

    let Answer::Accepted { id } = answer else { panic!("not accepted: {answer:?}") };
    assert_eq!(id, step04_lambdas::book::book_id(Some("dune-1965")));
    let messages = queued(&fixture).await;
    assert_eq!(messages.len(), 1);
    assert_eq!((messages[0].book.id, messages[0].request_id.as_str()), (id, "test-request"));
}

#[tokio::test]
async fn an_invalid_book_is_rejected_and_nothing_is_queued() {
    let fixture = fixture().await;

    let answer = fixture.producer.handle(event("add-invalid-book.json")).await.unwrap();

    insta::assert_json_snapshot!(answer, @r#"
    {
      "outcome": "rejected",
      "field": "year",
      "reason": "must be a whole number"
    }
    "#);
    assert!(queued(&fixture).await.is_empty());
}

#[tokio::test]
async fn get_answers_not_found_until_the_book_is_stored() {
    let fixture = fixture().await;
    let Answer::Accepted { id } = fixture.producer.handle(event("add-book.json")).await.unwrap() else {
        panic!("not accepted")
    };
    let get = || LambdaEvent::new(Request::Get { id }, Context::default());

    assert_eq!(fixture.producer.handle(get()).await.unwrap(), Answer::NotFound { id });
    let book = queued(&fixture).await.remove(0).book;
    fixture.store.put_all(std::slice::from_ref(&book)).await.unwrap();
    assert_eq!(fixture.producer.handle(get()).await.unwrap(), Answer::Found { book });
}
