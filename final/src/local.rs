//! Both functions on a laptop, hosted by `lambda-local`: the producer behind its HTTP front,
//! the consumer behind its queue poller. `src/bin/local.rs` runs them as configured; the fault
//! run's runner (`examples/chaos_runner.rs`) runs them with a throttled table.

use aws_config::SdkConfig;
use lambda_local::LocalConfig;
use lambda_runtime::Error;

use crate::config::required_env;
use crate::consumer::Consumer;
use crate::producer::Producer;

/// Serves `producer` and `consumer` until the process ends, with the queue and settings the
/// environment names (`QUEUE_URL`, `LOCAL_API_PORT`, the consumer's batch settings).
pub async fn run(sdk: &SdkConfig, producer: Producer, consumer: Consumer) -> Result<(), Error> {
    let config = LocalConfig::from_env(required_env("QUEUE_URL")?)?;
    lambda_local::run(
        config,
        sdk,
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
