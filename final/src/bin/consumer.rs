//! The consumer Lambda: SQS batches in, books stored in DynamoDB, failures reported per record.

use books::config::{fail_init, sdk_config};
use books::consumer::Consumer;
use lambda_runtime::{Error, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    books::logs::init();
    let consumer = Consumer::from_env(&sdk_config().await).unwrap_or_else(|error| fail_init(error));
    lambda_runtime::run(service_fn(|event| consumer.handle(event))).await
}
