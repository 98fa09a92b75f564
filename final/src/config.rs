//! Everything a function reads from its environment, read once at init.
//!
//! A missing variable is an init error that names it, so a misconfigured deploy fails on
//! its first cold start with a clear message, not on some later request.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

use crate::consumer::Consumer;
use crate::idempotency::Idempotency;
use crate::metrics::Metrics;
use crate::producer::Producer;
use crate::queue::BookQueue;
use crate::store::BookStore;

/// The whole of an AWS call, retries included, must end well inside the function's timeout
/// (the smallest, the local consumer's, is 3 s), so that a slow call fails the request
/// instead of timing out the invocation.
const SDK_OPERATION_TIMEOUT: Duration = Duration::from_millis(2500);
/// One attempt of an AWS call; the SDK retries after it.
const SDK_ATTEMPT_TIMEOUT: Duration = Duration::from_millis(1000);

/// How long an idempotency key's answer is replayed when `IDEMPOTENCY_TTL_SECONDS` is not set.
const DEFAULT_IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, thiserror::Error)]
#[error("the environment variable {0} is not set")]
pub struct MissingEnv(pub &'static str);

/// Why a function cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(transparent)]
    Missing(#[from] MissingEnv),
    #[error("the environment variable {name} is {value:?}, not a whole number of seconds")]
    NotSeconds { name: &'static str, value: String },
}

pub fn required_env(name: &'static str) -> Result<String, MissingEnv> {
    std::env::var(name).map_err(|_| MissingEnv(name))
}

fn seconds_env(name: &'static str, default: Duration) -> Result<Duration, ConfigError> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => {
            value.parse().map(Duration::from_secs).map_err(|_| ConfigError::NotSeconds { name, value })
        }
    }
}

/// Ends a cold start that cannot succeed: one ERROR line saying why, then exit, which Lambda
/// reports as the init's failure (`Runtime.ExitError`) and retries on the next invocation.
pub fn fail_init(error: ConfigError) -> ! {
    tracing::error!(%error, "the function cannot start");
    std::process::exit(1)
}

/// The SDK configuration from the environment (credentials, region, and `AWS_ENDPOINT_URL`
/// when one is set, as in the local stack), with timeouts shorter than any function's.
pub async fn sdk_config() -> SdkConfig {
    let timeouts = TimeoutConfig::builder()
        .operation_timeout(SDK_OPERATION_TIMEOUT)
        .operation_attempt_timeout(SDK_ATTEMPT_TIMEOUT)
        .build();
    aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts).load().await
}

impl Producer {
    /// The producer as configured by `QUEUE_URL`, `TABLE_NAME`, `IDEMPOTENCY_TABLE_NAME` and
    /// `IDEMPOTENCY_TTL_SECONDS` (optional, 24 hours by default).
    pub fn from_env(sdk: &SdkConfig) -> Result<Self, ConfigError> {
        let queue = BookQueue::new(aws_sdk_sqs::Client::new(sdk), required_env("QUEUE_URL")?);
        // One client for both tables: it is one connection pool and one set of credentials.
        let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
        let idempotency = Idempotency::new(
            dynamodb.clone(),
            required_env("IDEMPOTENCY_TABLE_NAME")?,
            seconds_env("IDEMPOTENCY_TTL_SECONDS", DEFAULT_IDEMPOTENCY_TTL)?,
        );
        Ok(Producer::new(queue, BookStore::new(dynamodb, required_env("TABLE_NAME")?), idempotency))
    }
}

impl Consumer {
    /// The consumer as configured by `TABLE_NAME`, writing metrics as the function Lambda runs.
    pub fn from_env(sdk: &SdkConfig) -> Result<Self, ConfigError> {
        let store = BookStore::new(aws_sdk_dynamodb::Client::new(sdk), required_env("TABLE_NAME")?);
        Ok(Consumer::new(store, Metrics::from_env()))
    }
}
