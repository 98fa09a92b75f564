//! The producer Lambda: the process Lambda starts, which serves invocations until it is stopped.

use aws_config::BehaviorVersion;
use lambda_runtime::{Error, service_fn};
use step04_lambdas::producer::Producer;

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    // Init: once per cold start, shared by every invocation this instance serves.
    let sdk = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let producer = Producer::from_env(&sdk)?;
    lambda_runtime::run(service_fn(|event| producer.handle(event))).await
}
// ANCHOR_END: main
