//! The HTTP API: `POST /books` queues a book, `GET /books/{id}` reads a stored one.
//!
//! The deployed API sends every route to this one function, and it routes on method and path
//! itself: the same handler then works behind API Gateway, a function URL and the local
//! runner, and its own 404 and 405 answers reach the client.
//!
//! A `POST` with an `Idempotency-Key` is answered once: a retry with the same key and body gets
//! the first answer again (same status, same id) and queues nothing (see [`crate::idempotency`]).
//!
//! Behind the API's JWT authorizer, API Gateway has checked the caller's token before the
//! function runs and passes its claims in the request context: the caller is the token's `sub`.
//! Each caller's idempotency keys are its own, and the stored book records who submitted it.

use lambda_http::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Error, Request, RequestExt, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::book::{Book, Invalid};
use crate::idempotency::{self, Claim, Idempotency, Key};
use crate::message::BookMessage;
use crate::queue::BookQueue;
use crate::store::BookStore;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Seconds a client should wait before retrying when AWS is unavailable or its key is in flight.
const RETRY_AFTER_SECONDS: &str = "1";

/// Stripe's header on an answer given again for a retried key.
const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The producer function: validates, queues, answers.
#[derive(Clone, Debug)]
pub struct Producer {
    queue: BookQueue,
    store: BookStore,
    idempotency: Idempotency,
}

enum Route {
    Books,
    Book(String),
    Unknown,
}

/// Routes on the path as the client wrote it after the API's base URL: without the stage that
/// `lambda_http` puts in front of it on a named stage (and behind a custom domain mapped to
/// one), and with empty segments skipped, so `//books` is `/books`.
fn route(request: &Request) -> Route {
    let mut path = request.uri().path();
    if let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref()
        && let Some(stage) = context.stage.as_deref().filter(|stage| *stage != "$default")
        && let Some(rest) = path.strip_prefix('/').and_then(|p| p.strip_prefix(stage))
        && (rest.is_empty() || rest.starts_with('/'))
    {
        path = rest;
    }
    let mut segments = path.split('/').filter(|segment| !segment.is_empty());
    match (segments.next(), segments.next(), segments.next()) {
        (Some("books"), None, _) => Route::Books,
        (Some("books"), Some(id), None) => Route::Book(id.to_owned()),
        _ => Route::Unknown,
    }
}

impl Producer {
    pub fn new(queue: BookQueue, store: BookStore, idempotency: Idempotency) -> Self {
        Producer { queue, store, idempotency }
    }

    /// Answers one HTTP request. Every expected failure is an HTTP answer, never an `Err`.
    /// No answer may be cached: a book not stored yet will be, and a newer version replaces it.
    pub async fn handle(&self, request: Request) -> Result<Response<Body>, Error> {
        let mut response = match (route(&request), request.method()) {
            (Route::Books, &Method::POST) => self.create(&request).await,
            (Route::Book(id), &Method::GET) => self.read(&id).await,
            (Route::Books, _) => method_not_allowed("POST"),
            (Route::Book(_), _) => method_not_allowed("GET"),
            (Route::Unknown, _) => error(StatusCode::NOT_FOUND, None, "no such route"),
        };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(response)
    }

    async fn create(&self, request: &Request) -> Response<Body> {
        let caller = caller(request);
        let key = match Key::from_header(request.headers().get(idempotency::HEADER), caller) {
            Ok(key) => key,
            Err(bad) => return error(StatusCode::BAD_REQUEST, Some(idempotency::HEADER), &bad.to_string()),
        };
        let mut book = match parse_new_book(request) {
            Ok(book) => book,
            Err((status, invalid)) => {
                return error(status, invalid.field.as_deref(), &invalid.reason);
            }
        };
        let context = request.lambda_context_ref();
        let request_id = context.map(|c| c.request_id.clone()).unwrap_or_default();
        let deadline = context
            .and_then(|c| OffsetDateTime::from_unix_timestamp_nanos(i128::from(c.deadline) * 1_000_000).ok());
        let body_hash = idempotency::body_hash(&book);
        if let Some(key) = &key {
            match self.claim(key, &body_hash, book.id, deadline).await {
                Ok(book_id) => book.id = book_id,
                Err(answer) => return answer,
            }
        }
        let id = book.id;
        let mut message = BookMessage::new(book, request_id);
        message.submitted_by = caller.map(str::to_owned);
        if let Err(failure) = self.queue.send(&message).await {
            tracing::error!(%failure, %id, "book not queued");
            if let Some(key) = &key
                && let Err(failure) = self.idempotency.unlock(key, &body_hash, id).await
            {
                // The claim lapses at the invocation's deadline; until then a retry gets a 409.
                tracing::error!(%failure, "idempotency key not unlocked");
            }
            return unavailable();
        }
        tracing::info!(%id, "book queued");
        if let Some(key) = &key
            && let Err(failure) = self.idempotency.complete(key, &body_hash, id).await
        {
            // The book is queued: answer so. A retry after the claim lapses takes it over and
            // queues the book again under the same id; it overwrites itself.
            tracing::error!(%failure, %id, "idempotent answer not recorded");
        }
        accepted(id)
    }

    /// Claims `key` for a new book: the id to queue it under, or the answer when the key's
    /// record decides it (an answer given before, in flight, used with another body).
    async fn claim(
        &self,
        key: &Key,
        body_hash: &str,
        new_id: Uuid,
        deadline: Option<OffsetDateTime>,
    ) -> Result<Uuid, Response<Body>> {
        let field = Some(idempotency::HEADER);
        match self.idempotency.claim(key, body_hash, new_id, deadline).await {
            Ok(Claim::Claimed { book_id }) => Ok(book_id),
            Ok(Claim::Answered { book_id }) => {
                tracing::info!(id = %book_id, "idempotent retry answered again");
                let mut response = accepted(book_id);
                response.headers_mut().insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
                Err(response)
            }
            Ok(Claim::InFlight) => {
                let reason = "a request with this key is still in flight, retry later";
                let mut response = error(StatusCode::CONFLICT, field, reason);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
                Err(response)
            }
            Ok(Claim::OtherBody) => {
                Err(error(StatusCode::UNPROCESSABLE_ENTITY, field, "was already used with another body"))
            }
            Err(failure) => {
                tracing::error!(%failure, "idempotency key not claimed");
                Err(unavailable())
            }
        }
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

/// Who sent the request: the `sub` of the token API Gateway's JWT authorizer accepted, or
/// nobody when the API has no authorizer (the workshop's chapters).
fn caller(request: &Request) -> Option<&str> {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => {
            let jwt = context.authorizer.as_ref()?.jwt.as_ref()?;
            jwt.claims.get("sub").map(String::as_str).filter(|sub| !sub.is_empty())
        }
        _ => None,
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
    let latest_year = OffsetDateTime::now_utc().year() + 1;
    Book::from_json(Uuid::new_v4(), &object, latest_year)
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

fn accepted(id: Uuid) -> Response<Body> {
    let mut response = json_response(StatusCode::ACCEPTED, &json!({ "id": id }));
    let location = HeaderValue::from_str(&format!("/books/{id}")).expect("a UUID path is a valid header");
    response.headers_mut().insert(header::LOCATION, location);
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
