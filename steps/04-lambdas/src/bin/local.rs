//! Both functions on a laptop: each invocable through Lambda's Invoke API, and the consumer
//! fed from the queue as Lambda's event source mapping would. `cargo xtask local --step 04`
//! runs it.

use aws_config::BehaviorVersion;
use lambda_local::{LocalConfig, run_invoke_api};
use lambda_runtime::Error;
use step04_lambdas::config::required_env;
use step04_lambdas::consumer::Consumer;
use step04_lambdas::producer::Producer;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let (producer, consumer) = (Producer::from_env(&sdk)?, Consumer::from_env(&sdk)?);
    let config = LocalConfig::from_env(required_env("QUEUE_URL")?)?;
    run_invoke_api(
        config,
        &sdk,
        move |event| {
            let producer = producer.clone();
            async move { producer.handle(event).await }
        },
        move |event| {
            let consumer = consumer.clone();
            async move { consumer.handle(event).await }
        },
    )
    .await
}
