//! The consumer's handler, invoked with `events/sqs-batch.json` (one book, one poison record) as
//! Lambda's event source mapping would invoke it, against the local emulator.

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{Context, LambdaEvent};
use step06_cloudwatch::consumer::Consumer;
use step06_cloudwatch::metrics::Metrics;
use step06_cloudwatch::store::BookStore;
use uuid::Uuid;

fn sqs_batch() -> SqsEvent {
    let json = include_str!("../events/sqs-batch.json");
    serde_json::from_str(json).expect("the event is an SqsEvent")
}

#[tokio::test]
async fn the_book_is_stored_and_only_the_poison_record_is_reported() {
    let dynamodb = aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await);
    let store = BookStore::new(dynamodb.clone(), emulator::fresh_table(&dynamodb).await);
    let consumer = Consumer::new(store.clone(), Metrics::new("step06-consumer"));

    let response = consumer.handle(LambdaEvent::new(sqs_batch(), Context::default())).await.unwrap();

    insta::assert_json_snapshot!(response, @r#"
    {
      "batchItemFailures": [
        {
          "itemIdentifier": "9b2d4f6a-8c1e-4a3b-b5d7-e9f1a3c5b7d9"
        }
      ]
    }
    "#);
    let kindred: Uuid = "5a7f2bd8-7e0b-5d5e-9a56-c3e1c4c9b0a1".parse().unwrap();
    assert_eq!(store.get(kindred).await.unwrap().map(|book| book.title), Some("Kindred".into()));
}

#[tokio::test]
async fn a_batch_that_cannot_be_written_fails_as_a_whole() {
    let dynamodb = aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await);
    let consumer = Consumer::new(BookStore::new(dynamodb, "no-such-table"), Metrics::new("step06-consumer"));

    let result = consumer.handle(LambdaEvent::new(sqs_batch(), Context::default())).await;

    assert!(result.is_err(), "a failed BatchWriteItem must retry the batch: {result:?}");
}
