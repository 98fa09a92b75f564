//! The local runner of `src/bin/local.rs`, with one fault of its own: DynamoDB "throttles"
//! the consumer, leaving part of every few `BatchWriteItem` calls in `UnprocessedItems`, as a
//! table over its capacity does. The fault run (`cargo xtask chaos`, `fault_run` in
//! `tests/end_to_end.rs`) starts, kills and restarts it; nothing else should use it.
//!
//! `CHAOS_WITHHOLD_EVERY` (default 3): every that many calls, the last `CHAOS_WITHHOLD_ITEMS`
//! (default 5) write requests are not sent and come back as unprocessed.

#[allow(dead_code)] // shared with the tests, which also hold back the first call only
#[path = "../tests/common/withhold.rs"]
mod withhold;

use books::config::{required_env, sdk_config};
use books::consumer::Consumer;
use books::metrics::Metrics;
use books::producer::Producer;
use books::store::BookStore;
use lambda_runtime::Error;
use withhold::WithholdWrites;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk_config().await;
    let producer = Producer::from_env(&sdk)?;
    let throttled = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(WithholdWrites::every(
            setting("CHAOS_WITHHOLD_EVERY", 3),
            setting("CHAOS_WITHHOLD_ITEMS", 5),
        ))
        .build();
    let store = BookStore::new(aws_sdk_dynamodb::Client::from_conf(throttled), required_env("TABLE_NAME")?);
    let consumer = Consumer::new(store, Metrics::from_env());
    books::local::run(&sdk, producer, consumer).await
}
