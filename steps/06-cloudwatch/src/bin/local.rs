//! Both functions on a laptop: the producer behind a local stand-in for API Gateway, the
//! consumer fed from the queue as Lambda's event source mapping would. `cargo xtask local
//! --step 06` runs it.

use aws_config::BehaviorVersion;
use lambda_local::{LocalConfig, run};
use lambda_runtime::Error;
use step06_cloudwatch::config::required_env;
use step06_cloudwatch::consumer::Consumer;
use step06_cloudwatch::producer::Producer;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let (producer, consumer) = (Producer::from_env(&sdk)?, Consumer::from_env(&sdk)?);
    let config = LocalConfig::from_env(required_env("QUEUE_URL")?)?;
    run(
        config,
        &sdk,
        move |request| {
            let producer = producer.clone();
            async move { producer.handle(request).await }
        },
        move |event| {
            let consumer = consumer.clone();
            async move { consumer.handle(event).await }
        },
    )
    .await
}
