//! The store against the local emulator's DynamoDB, on a fresh table.

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};
use step04_lambdas::book::{Book, book_id};
use step04_lambdas::store::BookStore;

async fn fresh_table() -> (aws_sdk_dynamodb::Client, String) {
    // Refuses, as AWS does, a BatchWriteItem of more than 25 books or with a book twice.
    let client = emulator::dynamodb_client().await;
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
    assert!(store.put_all(std::slice::from_ref(&book)).await.unwrap().is_empty());
    assert_eq!(store.get(book.id).await.unwrap(), Some(book.clone()));
    assert!(store.put_all(std::slice::from_ref(&book)).await.unwrap().is_empty());
    assert_eq!(store.get(book.id).await.unwrap(), Some(book), "storing again replaces");
}

#[tokio::test]
async fn more_books_than_one_batch_takes_are_all_stored() {
    let (client, table) = fresh_table().await;
    let store = BookStore::new(client, table);
    let books: Vec<Book> = (0..30)
        .map(|n| {
            let body = json!({"title": format!("Volume {n}"), "author": "Frank Herbert"});
            Book::from_json(book_id(Some(&format!("volume-{n}"))), body.as_object().unwrap(), 2100).unwrap()
        })
        .collect();

    assert_eq!(store.put_all(&books).await.unwrap(), Vec::<uuid::Uuid>::new(), "nothing left unstored");
    for book in &books {
        assert_eq!(store.get(book.id).await.unwrap().as_ref(), Some(book));
    }
}

#[tokio::test]
async fn the_item_has_stable_attribute_names() {
    let (client, table) = fresh_table().await;
    let book = dune();
    BookStore::new(client.clone(), &table).put_all(std::slice::from_ref(&book)).await.unwrap();

    let item = client
        .get_item()
        .table_name(&table)
        .key("id", AttributeValue::S(book.id.to_string()))
        .send()
        .await
        .unwrap()
        .item
        .expect("stored");
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
