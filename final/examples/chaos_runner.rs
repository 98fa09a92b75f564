//! The local runner of `src/bin/local.rs`, with one fault of its own: some of the consumer's
//! writes fail, as writes to a throttled table do once the SDK's retries run out; the consumer
//! reports their records and SQS delivers them again. The fault run (`cargo xtask chaos`, `fault_run` in
//! `tests/end_to_end.rs`) starts, kills and restarts it; nothing else should use it.
//!
//! `CHAOS_FAIL_EVERY` (default 20): every that many `PutItem` calls, one fails. Rare enough
//! that no valid book fails all of its deliveries: the fault run's queue allows 10 receives,
//! and (1/20)^10 per book is nothing.

#[path = "../tests/common/fail_writes.rs"]
mod fail_writes;

use books::config::{fail_init, required_env, sdk_config};
use books::consumer::Consumer;
use books::metrics::Metrics;
use books::producer::Producer;
use books::store::BookStore;
use fail_writes::FailWrites;
use lambda_runtime::Error;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    books::logs::init();
    let sdk = sdk_config().await;
    let producer = Producer::from_env(&sdk).unwrap_or_else(|error| fail_init(error));
    let throttled = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(FailWrites::every(setting("CHAOS_FAIL_EVERY", 20)))
        .build();
    let store = BookStore::new(aws_sdk_dynamodb::Client::from_conf(throttled), required_env("TABLE_NAME")?);
    let consumer = Consumer::new(store, Metrics::from_env());
    books::local::run(&sdk, producer, consumer).await
}
