//! Everything a function reads from its environment, read once at init.
//!
//! A missing variable is an init error that names it, so a misconfigured deploy fails on
//! its first cold start with a clear message, not on some later request.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

use crate::consumer::Consumer;
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

#[derive(Debug, thiserror::Error)]
#[error("the environment variable {0} is not set")]
pub struct MissingEnv(pub &'static str);

pub fn required_env(name: &'static str) -> Result<String, MissingEnv> {
    std::env::var(name).map_err(|_| MissingEnv(name))
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
    /// The producer as configured by `QUEUE_URL` and `TABLE_NAME`.
    pub fn from_env(sdk: &SdkConfig) -> Result<Self, MissingEnv> {
        let queue = BookQueue::new(aws_sdk_sqs::Client::new(sdk), required_env("QUEUE_URL")?);
        Ok(Producer::new(queue, store_from_env(sdk)?))
    }
}

impl Consumer {
    /// The consumer as configured by `TABLE_NAME`, writing metrics as the function Lambda runs.
    pub fn from_env(sdk: &SdkConfig) -> Result<Self, MissingEnv> {
        Ok(Consumer::new(store_from_env(sdk)?, Metrics::from_env()))
    }
}

fn store_from_env(sdk: &SdkConfig) -> Result<BookStore, MissingEnv> {
    Ok(BookStore::new(aws_sdk_dynamodb::Client::new(sdk), required_env("TABLE_NAME")?))
}
