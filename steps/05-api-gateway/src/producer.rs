//! The producer function behind API Gateway: `POST /books` queues a book, `GET /books/{id}`
//! reads a stored one.
//!
//! API Gateway sends every route to this one function, which routes on method and path itself,
//! so its own 404 and 405 answers reach the client. What the client got wrong is a 4xx answer;
//! a failed AWS call is a function error, which API Gateway answers with a 500.

use lambda_http::http::{HeaderValue, Method, StatusCode, header};
use lambda_http::{Body, Error, Request, RequestExt, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::book::{Book, Invalid, book_id};
use crate::message::BookMessage;
use crate::queue::BookQueue;
use crate::store::BookStore;

#[derive(Clone, Debug)]
pub struct Producer {
    queue: BookQueue,
    store: BookStore,
}

// ANCHOR: routes
enum Route {
    Books,
    Book(String),
    Unknown,
}

fn route(path: &str) -> Route {
    // ANCHOR: task_routes split the path on "/": /books is Route::Books, /books/{id} is Route::Book(id), anything else Route::Unknown (trailing slashes are ignored)
    let mut segments = path.trim_end_matches('/').split('/').skip(1);
    match (segments.next(), segments.next(), segments.next()) {
        (Some("books"), None, _) => Route::Books,
        (Some("books"), Some(id), None) if !id.is_empty() => Route::Book(id.to_owned()),
        _ => Route::Unknown,
    }
    // ANCHOR_END: task_routes
}
// ANCHOR_END: routes

impl Producer {
    pub fn new(queue: BookQueue, store: BookStore) -> Self {
        Producer { queue, store }
    }

    // ANCHOR: handle
    /// Answers one HTTP request.
    pub async fn handle(&self, request: Request) -> Result<Response<Body>, Error> {
        match (route(request.uri().path()), request.method()) {
            (Route::Books, &Method::POST) => self.create(&request).await,
            (Route::Book(id), &Method::GET) => self.read(&id).await,
            (Route::Books, _) => Ok(method_not_allowed("POST")),
            (Route::Book(_), _) => Ok(method_not_allowed("GET")),
            (Route::Unknown, _) => Ok(error(StatusCode::NOT_FOUND, None, "no such route")),
        }
    }
    // ANCHOR_END: handle

    // ANCHOR: create
    async fn create(&self, request: &Request) -> Result<Response<Body>, Error> {
        // ANCHOR: task_create parse the book (a refusal is error(status, field, reason)), queue it with the request id, answer 202 with {"id": id} and a Location: /books/{id} header
        let book = match parse_new_book(request) {
            Ok(book) => book,
            Err((status, invalid)) => return Ok(error(status, invalid.field.as_deref(), &invalid.reason)),
        };
        let request_id = request.lambda_context_ref().map(|c| c.request_id.clone()).unwrap_or_default();
        let id = book.id;
        self.queue.send(&BookMessage::new(book, request_id)).await?;
        tracing::info!(%id, "book queued");
        let mut response = json_response(StatusCode::ACCEPTED, &json!({ "id": id }));
        let location = HeaderValue::from_str(&format!("/books/{id}")).expect("a UUID path is a valid header");
        response.headers_mut().insert(header::LOCATION, location);
        Ok(response)
        // ANCHOR_END: task_create
    }
    // ANCHOR_END: create

    async fn read(&self, id: &str) -> Result<Response<Body>, Error> {
        let Ok(id) = id.parse::<Uuid>() else {
            return Ok(error(StatusCode::BAD_REQUEST, Some("id"), "is not a UUID"));
        };
        Ok(match self.store.get(id).await? {
            Some(book) => json_response(StatusCode::OK, &book),
            None => error(StatusCode::NOT_FOUND, Some("id"), "no book with this id is stored (yet)"),
        })
    }
}

// ANCHOR: parse
/// Reads a `POST /books` body into a book: 400 when it is not a JSON object, 422 when a field
/// is wrong. The `Idempotency-Key` header, when sent, names the book.
fn parse_new_book(request: &Request) -> Result<Book, (StatusCode, Invalid)> {
    // ANCHOR: task_parse the body as a JSON object (else 400 "malformed JSON: <serde_json's error>" or "the body must be a JSON object"), then Book::from_json with the Idempotency-Key's id (invalid: 422)
    let refuse = |reason: String| (StatusCode::BAD_REQUEST, Invalid { field: None, reason });
    let value: Value = serde_json::from_slice(request.body().as_ref())
        .map_err(|e| refuse(format!("malformed JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(refuse("the body must be a JSON object".into()));
    };
    let key = request.headers().get("idempotency-key").and_then(|key| key.to_str().ok());
    let latest_year = OffsetDateTime::now_utc().year() + 1;
    Book::from_json(book_id(key), &object, latest_year)
        .map_err(|invalid| (StatusCode::UNPROCESSABLE_ENTITY, invalid))
    // ANCHOR_END: task_parse
}
// ANCHOR_END: parse

// ANCHOR: responses
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
// ANCHOR_END: responses
