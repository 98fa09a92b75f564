//! `Idempotency-Key`, as Stripe and AWS Powertools define it: a retry is answered, not redone.
//!
//! The first `POST` with a key claims a record (the key's SHA-256, the hash of the book it
//! asked for, the book's id, in flight until its invocation's deadline). Once the book is
//! queued the record holds the answer, and a retry with the same key and body gets that answer
//! again, with nothing queued again, until the record expires (DynamoDB's TTL on `expires_at`).
//! The same key with another body is refused, a retry while the first is in flight is told to
//! wait, and a request that could not queue its book unlocks its key, so that the client's
//! retry goes through at once. Either way the retry keeps the book id the claim recorded: a
//! claim unlocked after a failed send, or left in flight past its deadline (the invocation
//! timed out or died), may have queued its book already, and queued again under the same id
//! the book overwrites itself rather than appearing twice.
//!
//! Keys are stored hashed: a record says nothing about the key a client chose. Behind the
//! API's authorizer a key is the caller's own (the hash covers the caller too), so two callers
//! who pick the same key never meet. Book ids are random, never derived from a key, so nobody
//! can name (or overwrite) a book by guessing one.
//!
//! Record attributes: `id` (S, SHA-256 of the caller and the key, hex), `body_hash` (S, SHA-256 of the book),
//! `status` (S, `IN_PROGRESS` or `COMPLETED`), `book_id` (S), `locked_until` and `expires_at`
//! (N, Unix seconds).

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::http::HeaderValue;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::book::Book;
use crate::store::{StoreError, call_failed, is_condition_failure};

// ANCHOR: actions
/// What [`Idempotency`] calls on its table; the iam module grants exactly this to the producer.
pub const ACTIONS: &[&str] = &["dynamodb:GetItem", "dynamodb:PutItem"];
// ANCHOR_END: actions

/// The header a client sends.
pub const HEADER: &str = "Idempotency-Key";

/// The longest key accepted, in characters (Stripe's limit).
pub const MAX_KEY_CHARS: usize = 255;

/// How long a claim blocks a retry when the invocation gives no deadline (tests, the bench).
const DEFAULT_LOCK: Duration = Duration::from_secs(30);

const IN_PROGRESS: &str = "IN_PROGRESS";
const COMPLETED: &str = "COMPLETED";

/// A key is free when it has no live record.
const FREE: &str = "attribute_not_exists(id) OR expires_at < :now";

/// A lapsed claim is taken over only if nobody else took it over since it was read.
const UNCHANGED: &str = "locked_until = :seen";
/// An unlock changes only the record of the claim it made.
const STILL_OURS: &str = "book_id = :book_id";

/// A well-formed key, hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

/// Why the header is not a key.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadKey {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_KEY_CHARS} characters")]
    TooLong,
    #[error("must be printable ASCII")]
    NotPrintable,
}

impl Key {
    /// The key of a request from `caller` (none on a public API): none without the header; an
    /// error when it is empty, too long or not printable ASCII (so that no two spellings of one
    /// key can name two records).
    pub fn from_header(value: Option<&HeaderValue>, caller: Option<&str>) -> Result<Option<Key>, BadKey> {
        let Some(value) = value else { return Ok(None) };
        let bytes = value.as_bytes();
        if bytes.is_empty() {
            Err(BadKey::Empty)
        } else if !bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
            Err(BadKey::NotPrintable)
        } else if bytes.len() > MAX_KEY_CHARS {
            Err(BadKey::TooLong)
        } else {
            // A key holds no newline, so "caller\nkey" names one (caller, key) pair.
            Ok(Some(Key(match caller {
                Some(caller) => sha256(format!("{caller}\n{}", String::from_utf8_lossy(bytes)).as_bytes()),
                None => sha256(bytes),
            })))
        }
    }
}

/// The hash of what a request asked for: the book as validated, id aside, so that the same
/// book sent with other whitespace or key order is the same request.
pub fn body_hash(book: &Book) -> String {
    let fields = serde_json::json!([book.title, book.author, book.isbn, book.year]);
    sha256(fields.to_string().as_bytes())
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// What a request may do with its key.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's: queue the book under `book_id`, then
    /// [`Idempotency::complete`] (or [`Idempotency::unlock`] when queueing failed).
    Claimed { book_id: Uuid },
    /// The key already answered this book: answer it again.
    Answered { book_id: Uuid },
    /// The key's first request is still in flight.
    InFlight,
    /// The key was used with another body.
    OtherBody,
}

/// The idempotency records' table.
#[derive(Clone, Debug)]
pub struct Idempotency {
    client: aws_sdk_dynamodb::Client,
    table: String,
    ttl: Duration,
}

impl Idempotency {
    /// Records expire `ttl` after their request (24 hours is Stripe's choice).
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>, ttl: Duration) -> Self {
        Idempotency { client, table: table.into(), ttl }
    }

    /// Claims `key` for a new book `book_id` (hashed as `body_hash`), until `deadline` if given.
    pub async fn claim(
        &self,
        key: &Key,
        body_hash: &str,
        book_id: Uuid,
        deadline: Option<OffsetDateTime>,
    ) -> Result<Claim, StoreError> {
        let now = OffsetDateTime::now_utc();
        let locked_until = deadline.filter(|d| *d > now).unwrap_or(now + DEFAULT_LOCK);
        let mut item = self.record(key, body_hash, book_id, IN_PROGRESS, now);
        item.insert("locked_until".into(), number(locked_until.unix_timestamp()));
        let fresh = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item.clone()))
            .condition_expression(FREE)
            .expression_attribute_values(":now", number(now.unix_timestamp()))
            .send()
            .await;
        match fresh {
            Ok(_) => return Ok(Claim::Claimed { book_id }),
            Err(error) if !is_condition_failure(&error) => return Err(call_failed(error)),
            Err(_) => {}
        }
        let Some(record) = self.existing(key).await? else { return Ok(Claim::InFlight) };
        let text = |name: &str| record.get(name).and_then(|v| v.as_s().ok()).map(String::as_str);
        let recorded_id = text("book_id").and_then(|id| id.parse::<Uuid>().ok());
        let seen_lock = record.get("locked_until").and_then(|v| v.as_n().ok()).cloned();
        match (text("status"), recorded_id) {
            _ if text("body_hash") != Some(body_hash) => Ok(Claim::OtherBody),
            (Some(COMPLETED), Some(book_id)) => Ok(Claim::Answered { book_id }),
            (Some(IN_PROGRESS), Some(book_id))
                if seen_lock.as_deref().and_then(|n| n.parse::<i64>().ok()) < Some(now.unix_timestamp()) =>
            {
                item.insert("book_id".into(), AttributeValue::S(book_id.to_string()));
                let taken = self
                    .client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item))
                    .condition_expression(UNCHANGED)
                    .expression_attribute_values(":seen", AttributeValue::N(seen_lock.unwrap_or_default()))
                    .send()
                    .await;
                match taken {
                    Ok(_) => Ok(Claim::Claimed { book_id }),
                    Err(error) if is_condition_failure(&error) => Ok(Claim::InFlight),
                    Err(error) => Err(call_failed(error)),
                }
            }
            _ => Ok(Claim::InFlight),
        }
    }

    /// Records the answer to the claimed `key`: the book was queued.
    pub async fn complete(&self, key: &Key, body_hash: &str, book_id: Uuid) -> Result<(), StoreError> {
        let item = self.record(key, body_hash, book_id, COMPLETED, OffsetDateTime::now_utc());
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(call_failed)?;
        Ok(())
    }

    /// Lets a retry of the claimed `key` take over at once, with the same `book_id`. A send that
    /// failed may still have queued the book (its answer lost on the way back), so the record is
    /// kept, not deleted: the retry queues the same id again, and the consumer's newest-wins
    /// write stores it once. Deleting it would let the retry queue a second book.
    pub async fn unlock(&self, key: &Key, body_hash: &str, book_id: Uuid) -> Result<(), StoreError> {
        let mut item = self.record(key, body_hash, book_id, IN_PROGRESS, OffsetDateTime::now_utc());
        item.insert("locked_until".into(), number(0));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(STILL_OURS)
            .expression_attribute_values(":book_id", AttributeValue::S(book_id.to_string()))
            .send()
            .await
            .map_err(call_failed)?;
        Ok(())
    }

    /// The record that refused a claim; none if it went in between (expired).
    async fn existing(&self, key: &Key) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("id", AttributeValue::S(key.0.clone()))
            .consistent_read(true)
            .send()
            .await
            .map_err(call_failed)?;
        Ok(output.item)
    }

    fn record(
        &self,
        key: &Key,
        body_hash: &str,
        book_id: Uuid,
        status: &str,
        now: OffsetDateTime,
    ) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("id".into(), AttributeValue::S(key.0.clone())),
            ("body_hash".into(), AttributeValue::S(body_hash.into())),
            ("status".into(), AttributeValue::S(status.into())),
            ("book_id".into(), AttributeValue::S(book_id.to_string())),
            ("expires_at".into(), number((now + self.ttl).unix_timestamp())),
        ])
    }
}

fn number(n: i64) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(value: &[u8]) -> Result<Option<Key>, BadKey> {
        Key::from_header(Some(&HeaderValue::from_bytes(value).expect("a header value")), None)
    }

    #[test]
    fn a_key_is_printable_ascii_of_1_to_255_characters() {
        assert_eq!(Key::from_header(None, Some("caller-1")), Ok(None));
        assert!(key(b"order-42 retry").unwrap().is_some());
        assert!(key("k".repeat(255).as_bytes()).unwrap().is_some());
        assert_eq!(key(b""), Err(BadKey::Empty));
        assert_eq!(key("k".repeat(256).as_bytes()), Err(BadKey::TooLong));
        assert_eq!(key("clé".as_bytes()), Err(BadKey::NotPrintable));
        assert_eq!(key(b"tab\there"), Err(BadKey::NotPrintable));
    }

    #[test]
    fn keys_are_stored_hashed() {
        let Some(Key(hashed)) = key(b"my-secret-key").unwrap() else { panic!("a key") };
        assert_eq!(hashed.len(), 64);
        assert!(!hashed.contains("secret"));
    }

    #[test]
    fn each_caller_has_keys_of_its_own() {
        let header = HeaderValue::from_static("order-42");
        let of = |caller| Key::from_header(Some(&header), caller).unwrap().expect("a key");
        assert_ne!(of(Some("caller-1")), of(Some("caller-2")));
        assert_ne!(of(Some("caller-1")), of(None));
        assert_eq!(of(Some("caller-1")), of(Some("caller-1")));
    }
}
