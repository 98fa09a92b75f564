//! The producer function: takes a book in, validates it and queues it; reads stored books back.
//!
//! Until step 05 puts it behind API Gateway, it is invoked directly, with a [`Request`] as its
//! event. A book that fails validation is an answer (`rejected`), not a function error: Lambda
//! counts errors, and asynchronous callers retry them, which would not make the book valid.

use lambda_runtime::{Error, LambdaEvent};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::book::{Book, book_id};
use crate::message::BookMessage;
use crate::queue::BookQueue;
use crate::store::BookStore;

// ANCHOR: events
/// What the producer is invoked with.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Request {
    /// Accept a book: validate it and queue it. The same idempotency key names the same book.
    Add {
        #[serde(default)]
        idempotency_key: Option<String>,
        book: Map<String, Value>,
    },
    /// Read a stored book.
    Get { id: Uuid },
}

/// What the producer answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Answer {
    /// Queued: the consumer stores it shortly.
    Accepted {
        id: Uuid,
    },
    /// Not a valid book; nothing was queued.
    Rejected {
        field: Option<String>,
        reason: String,
    },
    Found {
        book: Book,
    },
    NotFound {
        id: Uuid,
    },
}
// ANCHOR_END: events

#[derive(Clone, Debug)]
pub struct Producer {
    queue: BookQueue,
    store: BookStore,
}

impl Producer {
    pub fn new(queue: BookQueue, store: BookStore) -> Self {
        Producer { queue, store }
    }

    // ANCHOR: handle
    /// The handler: a failed AWS call is a function error (the caller may retry), anything the
    /// caller sent wrong is an [`Answer`].
    pub async fn handle(&self, event: LambdaEvent<Request>) -> Result<Answer, Error> {
        // ANCHOR: task_producer Add: validate with Book::from_json (invalid is Answer::Rejected), queue a BookMessage with the context's request id, answer Accepted; Get: Found or NotFound from the store
        match event.payload {
            Request::Add { idempotency_key, book } => {
                let id = book_id(idempotency_key.as_deref());
                let latest_year = OffsetDateTime::now_utc().year() + 1;
                let book = match Book::from_json(id, &book, latest_year) {
                    Ok(book) => book,
                    Err(invalid) => {
                        return Ok(Answer::Rejected { field: invalid.field, reason: invalid.reason });
                    }
                };
                self.queue.send(&BookMessage::new(book, event.context.request_id)).await?;
                tracing::info!(%id, "book queued");
                Ok(Answer::Accepted { id })
            }
            Request::Get { id } => Ok(match self.store.get(id).await? {
                Some(book) => Answer::Found { book },
                None => Answer::NotFound { id },
            }),
        }
        // ANCHOR_END: task_producer
    }
    // ANCHOR_END: handle
}
