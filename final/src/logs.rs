//! The functions' log lines, as Lambda's log controls read them.
//!
//! The runtime's default subscriber writes JSON without a `timestamp`, and Lambda gives any
//! JSON line without a valid RFC 3339 `timestamp` the level INFO: an ERROR line would then be
//! dropped by an application log level of WARN. This is the same subscriber (level from
//! `AWS_LAMBDA_LOG_LEVEL`, then `RUST_LOG`; JSON when `AWS_LAMBDA_LOG_FORMAT` is `JSON`) with
//! the timestamp kept.

use lambda_runtime::tracing::subscriber::filter::{EnvFilter, LevelFilter};
use lambda_runtime::tracing::subscriber::fmt;

/// Installs the subscriber; call once, first thing in `main`.
pub fn init() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|level| level.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let subscriber = fmt()
        .with_target(false)
        .with_env_filter(EnvFilter::builder().with_default_directive(level.into()).from_env_lossy());
    if json { subscriber.json().init() } else { subscriber.init() }
}
