//! The consumer Lambda: SQS batches in, books stored, failures reported per record.

use aws_config::BehaviorVersion;
use lambda_runtime::{Error, service_fn};
use step06_cloudwatch::consumer::Consumer;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let consumer = Consumer::from_env(&sdk)?;
    lambda_runtime::run(service_fn(|event| consumer.handle(event))).await
}
