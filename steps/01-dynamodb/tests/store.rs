//! The store against the local emulator's DynamoDB, on a fresh table.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};
use step01_dynamodb::book::{Book, book_id};
use step01_dynamodb::store::BookStore;

async fn fresh_table() -> (aws_sdk_dynamodb::Client, String) {
    let client = aws_sdk_dynamodb::Client::new(&emulator::sdk_config().await);
    let table = emulator::fresh_table(&client).await;
    (client, table)
}

fn dune() -> Book {
    let body = json!({"title": "Dune", "author": "Frank Herbert", "isbn": "978-0-441-17271-9", "year": 1965});
    Book::from_json(book_id(Some("dune")), body.as_object().unwrap(), 2100).expect("a valid book")
}

#[tokio::test]
async fn a_stored_book_reads_back_the_same() {
    let (client, table) = fresh_table().await;
    let store = BookStore::new(client, table);
    let book = dune();

    assert_eq!(store.get(book.id).await.unwrap(), None, "nothing is stored yet");
    store.put(&book).await.unwrap();
    assert_eq!(store.get(book.id).await.unwrap(), Some(book.clone()));
    store.put(&book).await.unwrap();
    assert_eq!(store.get(book.id).await.unwrap(), Some(book), "storing again replaces");
}

#[tokio::test]
async fn the_item_has_stable_attribute_names() {
    let (client, table) = fresh_table().await;
    let book = dune();
    BookStore::new(client.clone(), &table).put(&book).await.unwrap();

    // ANCHOR: get_item
    let item = client
        .get_item()
        .table_name(&table)
        .key("id", AttributeValue::S(book.id.to_string()))
        .send()
        .await
        .unwrap()
        .item
        .expect("stored");
    // ANCHOR_END: get_item
    let item: serde_json::Map<String, Value> = item
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                AttributeValue::S(s) => json!({ "S": s }),
                AttributeValue::N(n) => json!({ "N": n }),
                other => json!(format!("{other:?}")),
            };
            (name, value)
        })
        .collect();
    insta::assert_json_snapshot!(item);
}
