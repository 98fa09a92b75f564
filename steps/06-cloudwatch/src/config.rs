//! What each function reads from its environment, read once at init: a missing variable fails
//! the first cold start with its name, not some later request.

use aws_config::SdkConfig;

use crate::consumer::Consumer;
use crate::metrics::Metrics;
use crate::producer::Producer;
use crate::queue::BookQueue;
use crate::store::BookStore;

#[derive(Debug, thiserror::Error)]
#[error("the environment variable {0} is not set")]
pub struct MissingEnv(pub &'static str);

pub fn required_env(name: &'static str) -> Result<String, MissingEnv> {
    std::env::var(name).map_err(|_| MissingEnv(name))
}

impl Producer {
    /// The producer as configured by `QUEUE_URL` and `TABLE_NAME` (the lambdas module sets both).
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
