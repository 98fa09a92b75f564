//! Both functions on a laptop: the producer behind a local HTTP front, the consumer behind a
//! poller that does what Lambda's SQS event source mapping does. `cargo xtask local` runs it.

use books::config::{required_env, sdk_config};
use books::consumer::Consumer;
use books::producer::Producer;
use lambda_local::{LocalConfig, run};
use lambda_runtime::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk_config().await;
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
