//! The HTTP API: `POST /books` queues a book, `GET /books/{id}` reads a stored one.
//!
//! The deployed API sends every route to this one function, and it routes on method and path
//! itself: the same handler then works behind API Gateway, a function URL and the local
//! runner, and its own 404 and 405 answers reach the client.
//!
//! A retried `POST` with the same `Idempotency-Key` names the same book (a UUIDv5 of the key),
//! so a client that lost an answer can safely send again. Each post is still queued, and with
//! the same key and another body the last write wins: within a batch the consumer keeps the
//! version accepted last; across batches (a standard queue keeps no order) the one written last.

use lambda_http::http::{HeaderValue, Method, StatusCode, header};
use lambda_http::{Body, Error, Request, RequestExt, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::book::{Book, Invalid, book_id};
use crate::message::BookMessage;
use crate::queue::BookQueue;
use crate::store::BookStore;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Seconds a client should wait before retrying when AWS is unavailable.
const RETRY_AFTER_SECONDS: &str = "1";

/// The producer function: validates, queues, answers.
#[derive(Clone, Debug)]
pub struct Producer {
    queue: BookQueue,
    store: BookStore,
}

enum Route {
    Books,
    Book(String),
    Unknown,
}

fn route(path: &str) -> Route {
    let mut segments = path.trim_end_matches('/').split('/').skip(1);
    match (segments.next(), segments.next(), segments.next()) {
        (Some("books"), None, _) => Route::Books,
        (Some("books"), Some(id), None) if !id.is_empty() => Route::Book(id.to_owned()),
        _ => Route::Unknown,
    }
}

impl Producer {
    pub fn new(queue: BookQueue, store: BookStore) -> Self {
        Producer { queue, store }
    }

    /// Answers one HTTP request. Every expected failure is an HTTP answer, never an `Err`.
    pub async fn handle(&self, request: Request) -> Result<Response<Body>, Error> {
        let response = match (route(request.uri().path()), request.method()) {
            (Route::Books, &Method::POST) => self.create(&request).await,
            (Route::Book(id), &Method::GET) => self.read(&id).await,
            (Route::Books, _) => method_not_allowed("POST"),
            (Route::Book(_), _) => method_not_allowed("GET"),
            (Route::Unknown, _) => error(StatusCode::NOT_FOUND, None, "no such route"),
        };
        Ok(response)
    }

    async fn create(&self, request: &Request) -> Response<Body> {
        let book = match parse_new_book(request) {
            Ok(book) => book,
            Err((status, invalid)) => {
                return error(status, invalid.field.as_deref(), &invalid.reason);
            }
        };
        let request_id = request.lambda_context_ref().map(|c| c.request_id.clone()).unwrap_or_default();
        let id = book.id;
        if let Err(failure) = self.queue.send(&BookMessage::new(book, request_id)).await {
            tracing::error!(%failure, %id, "book not queued");
            return unavailable();
        }
        tracing::info!(%id, "book queued");
        let mut response = json_response(StatusCode::ACCEPTED, &json!({ "id": id }));
        let location = HeaderValue::from_str(&format!("/books/{id}")).expect("a UUID path is a valid header");
        response.headers_mut().insert(header::LOCATION, location);
        response
    }

    async fn read(&self, id: &str) -> Response<Body> {
        let Ok(id) = id.parse::<Uuid>() else {
            return error(StatusCode::BAD_REQUEST, Some("id"), "is not a UUID");
        };
        match self.store.get(id).await {
            Ok(Some(stored)) => json_response(StatusCode::OK, &stored.book()),
            Ok(None) => error(StatusCode::NOT_FOUND, Some("id"), "no book with this id is stored (yet)"),
            Err(failure) => {
                tracing::error!(%failure, %id, "book not read");
                unavailable()
            }
        }
    }
}

/// Checks a `POST /books` request from headers to fields and returns the book it names.
fn parse_new_book(request: &Request) -> Result<Book, (StatusCode, Invalid)> {
    let refuse = |status, reason: &str| (status, Invalid { field: None, reason: reason.to_owned() });
    if !is_json(request.headers().get(header::CONTENT_TYPE)) {
        return Err(refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "the body must be application/json"));
    }
    let body: &[u8] = request.body().as_ref();
    if body.len() > MAX_BODY_BYTES {
        return Err(refuse(StatusCode::PAYLOAD_TOO_LARGE, "the body must be at most 64 KiB"));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, &format!("malformed JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(refuse(StatusCode::BAD_REQUEST, "the body must be a JSON object"));
    };
    let key = request.headers().get("idempotency-key").and_then(|key| key.to_str().ok());
    let latest_year = OffsetDateTime::now_utc().year() + 1;
    Book::from_json(book_id(key), &object, latest_year)
        .map_err(|invalid| (StatusCode::UNPROCESSABLE_ENTITY, invalid))
}

fn is_json(content_type: Option<&HeaderValue>) -> bool {
    let Some(media_type) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Response<Body> {
    let body = serde_json::to_string(body).expect("response bodies always serialize");
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn error(status: StatusCode, field: Option<&str>, reason: &str) -> Response<Body> {
    json_response(status, &json!({ "error": reason, "field": field }))
}

fn method_not_allowed(allowed: &'static str) -> Response<Body> {
    let mut response =
        error(StatusCode::METHOD_NOT_ALLOWED, None, &format!("this route only answers {allowed}"));
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allowed));
    response
}

fn unavailable() -> Response<Body> {
    let mut response = error(StatusCode::SERVICE_UNAVAILABLE, None, "storage is unavailable, retry later");
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
    response
}
