//! The domain: what a book is, what a client may send, and the rules between the two.
//!
//! Validation happens here: the producer checks what a client sends before anything reaches
//! the queue, and the consumer checks each message's book again by the same rules.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The longest title or author we accept, in characters.
pub const MAX_TEXT_CHARS: usize = 256;

/// A valid book, with its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Book {
    pub id: Uuid,
    pub title: String,
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isbn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// Why a request body is not a book: the field at fault (if one is) and the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct Invalid {
    pub field: Option<String>,
    pub reason: String,
}

impl Invalid {
    fn field(field: &str, reason: impl Into<String>) -> Self {
        Invalid { field: Some(field.to_owned()), reason: reason.into() }
    }
}

impl Book {
    /// Reads a book from a JSON object, checking every field; `latest_year` is the last
    /// publication year accepted (next year, when called by the producer).
    ///
    /// Fields are read one by one rather than by `#[derive(Deserialize)]`, so that every error
    /// names its field instead of pointing at a column.
    pub fn from_json(id: Uuid, object: &Map<String, Value>, latest_year: i32) -> Result<Self, Invalid> {
        const FIELDS: [&str; 4] = ["title", "author", "isbn", "year"];
        if let Some(unknown) = object.keys().find(|key| !FIELDS.contains(&key.as_str())) {
            return Err(Invalid::field(unknown, "unknown field"));
        }
        let isbn = match object.get("isbn") {
            None | Some(Value::Null) => None,
            Some(Value::String(isbn)) => Some(normalize_isbn(isbn)?),
            Some(_) => return Err(Invalid::field("isbn", "must be a string")),
        };
        let year = match object.get("year") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => {
                let year = n
                    .as_i64()
                    .and_then(|y| i32::try_from(y).ok())
                    .ok_or_else(|| Invalid::field("year", "must be a whole number"))?;
                if year > latest_year {
                    return Err(Invalid::field("year", "must not be after next year"));
                }
                Some(year)
            }
            Some(_) => return Err(Invalid::field("year", "must be a whole number")),
        };
        Ok(Book {
            id,
            title: required_text(object, "title")?,
            author: required_text(object, "author")?,
            isbn,
            year,
        })
    }
}

fn required_text(object: &Map<String, Value>, field: &str) -> Result<String, Invalid> {
    let text = match object.get(field) {
        Some(Value::String(text)) => text.trim(),
        None | Some(Value::Null) => return Err(Invalid::field(field, "is required")),
        Some(_) => return Err(Invalid::field(field, "must be a string")),
    };
    match text.chars().count() {
        0 => Err(Invalid::field(field, "must not be empty")),
        n if n > MAX_TEXT_CHARS => {
            Err(Invalid::field(field, format!("must be at most {MAX_TEXT_CHARS} characters")))
        }
        _ => Ok(text.to_owned()),
    }
}

/// Checks an ISBN-10 or ISBN-13 (hyphens and spaces allowed) and returns its bare digits.
fn normalize_isbn(raw: &str) -> Result<String, Invalid> {
    let isbn: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let digit = |c: char| c.to_digit(10);
    let valid = match isbn.len() {
        10 => {
            let values: Option<Vec<u32>> = isbn
                .chars()
                .enumerate()
                .map(|(i, c)| if i == 9 && matches!(c, 'X' | 'x') { Some(10) } else { digit(c) })
                .collect();
            values.is_some_and(|v| v.iter().zip((1..=10).rev()).map(|(d, w)| d * w).sum::<u32>() % 11 == 0)
        }
        13 => {
            let values: Option<Vec<u32>> = isbn.chars().map(digit).collect();
            values.is_some_and(|v| {
                v.iter().enumerate().map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 }).sum::<u32>() % 10 == 0
            })
        }
        _ => return Err(Invalid::field("isbn", "must have 10 or 13 digits")),
    };
    if valid { Ok(isbn.to_uppercase()) } else { Err(Invalid::field("isbn", "has a wrong check digit")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<Book, Invalid> {
        Book::from_json(Uuid::nil(), value.as_object().expect("an object"), 2027)
    }

    fn field_of(value: Value) -> Option<String> {
        parse(value).expect_err("should be refused").field
    }

    #[test]
    fn accepts_a_full_book_and_trims_and_normalizes_it() {
        let book = parse(json!({"title": " Dune ", "author": "Frank Herbert",
            "isbn": "978-0-441-17271-9", "year": 1965}))
        .unwrap();
        assert_eq!(book.title, "Dune");
        assert_eq!(book.isbn.as_deref(), Some("9780441172719"));
        assert_eq!(book.year, Some(1965));
    }

    #[test]
    fn checks_isbn_10_including_an_x_check_digit() {
        assert!(parse(json!({"title": "t", "author": "a", "isbn": "0-8044-2957-X"})).is_ok());
        assert_eq!(
            field_of(json!({"title": "t", "author": "a", "isbn": "0-8044-2957-5"})).as_deref(),
            Some("isbn")
        );
    }

    #[test]
    fn names_the_field_at_fault() {
        assert_eq!(field_of(json!({"author": "a"})).as_deref(), Some("title"));
        assert_eq!(field_of(json!({"title": "  ", "author": "a"})).as_deref(), Some("title"));
        assert_eq!(field_of(json!({"title": "t", "author": "a".repeat(257)})).as_deref(), Some("author"));
        assert_eq!(field_of(json!({"title": "t", "author": "a", "year": 2028})).as_deref(), Some("year"));
        assert_eq!(field_of(json!({"title": "t", "author": "a", "year": "1965"})).as_deref(), Some("year"));
        assert_eq!(
            field_of(json!({"title": "t", "author": "a", "isbn": "978044117271"})).as_deref(),
            Some("isbn")
        );
        assert_eq!(field_of(json!({"title": "t", "author": "a", "pages": 3})).as_deref(), Some("pages"));
    }
}
