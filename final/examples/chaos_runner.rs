//! The local runner of `src/bin/local.rs`, with one fault of its own: DynamoDB "throttles"
//! the consumer, leaving part of every few `BatchWriteItem` calls in `UnprocessedItems`, as a
//! table over its capacity does. The fault run (`cargo xtask chaos`, `tests/chaos.rs`) starts,
//! kills and restarts it; nothing else should use it.
//!
//! `CHAOS_WITHHOLD_EVERY` (default 3): every that many calls, the last `CHAOS_WITHHOLD_ITEMS`
//! (default 5) write requests are not sent and come back as unprocessed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_write_item::{BatchWriteItemInput, BatchWriteItemOutput};
use aws_sdk_dynamodb::types::WriteRequest;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use books::config::{required_env, sdk_config};
use books::consumer::Consumer;
use books::metrics::Metrics;
use books::producer::Producer;
use books::store::BookStore;
use lambda_runtime::Error;

#[derive(Debug)]
struct WithholdEvery {
    every: usize,
    items: usize,
    calls: AtomicUsize,
}

/// What one call held back, kept in that call's own config bag (calls run concurrently).
#[derive(Clone, Debug)]
struct Withheld(HashMap<String, Vec<WriteRequest>>);

impl Storable for Withheld {
    type Storer = StoreReplace<Self>;
}

impl Intercept for WithholdEvery {
    fn name(&self) -> &'static str {
        "WithholdEvery"
    }

    fn modify_before_serialization(
        &self,
        context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(input) = context.input_mut().downcast_mut::<BatchWriteItemInput>() else { return Ok(()) };
        if !self.calls.fetch_add(1, Ordering::Relaxed).is_multiple_of(self.every) {
            return Ok(());
        }
        let mut withheld = HashMap::new();
        for (table, requests) in input.request_items.iter_mut().flatten() {
            // Keep one request: DynamoDB refuses an empty batch.
            let keep = requests.len().saturating_sub(self.items).max(1);
            withheld.insert(table.clone(), requests.split_off(keep.min(requests.len())));
        }
        cfg.interceptor_state().store_put(Withheld(withheld));
        Ok(())
    }

    fn modify_before_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Ok(output)) = context.output_or_error_mut()
            && let Some(output) = output.downcast_mut::<BatchWriteItemOutput>()
            && let Some(Withheld(withheld)) = cfg.load::<Withheld>().cloned()
        {
            let unprocessed = output.unprocessed_items.get_or_insert_with(HashMap::new);
            for (table, requests) in withheld.into_iter().filter(|(_, requests)| !requests.is_empty()) {
                unprocessed.entry(table).or_default().extend(requests);
            }
        }
        Ok(())
    }
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let sdk = sdk_config().await;
    let producer = Producer::from_env(&sdk)?;
    let throttled = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(WithholdEvery {
            every: setting("CHAOS_WITHHOLD_EVERY", 3).max(1),
            items: setting("CHAOS_WITHHOLD_ITEMS", 5),
            calls: AtomicUsize::new(0),
        })
        .build();
    let store = BookStore::new(aws_sdk_dynamodb::Client::from_conf(throttled), required_env("TABLE_NAME")?);
    let consumer = Consumer::new(store, Metrics::from_env());
    books::local::run(&sdk, producer, consumer).await
}
