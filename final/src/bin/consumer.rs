//! The consumer Lambda: SQS batches in, books stored in DynamoDB, failures reported per record.

use books::config::sdk_config;
use books::consumer::Consumer;
use lambda_runtime::{Error, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let consumer = Consumer::from_env(&sdk_config().await)?;
    lambda_runtime::run(service_fn(|event| consumer.handle(event))).await
}
