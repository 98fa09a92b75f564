//! Plays DynamoDB under load: some `BatchWriteItem` calls write all but their last few requests
//! and report those as `UnprocessedItems`, without writing them, as a throttled table does.
//! The tests use it through `common`; the fault run's runner (`examples/chaos_runner.rs`)
//! includes this file as well.

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

#[derive(Debug)]
pub struct WithholdWrites {
    every: usize,
    items: usize,
    calls: AtomicUsize,
}

impl WithholdWrites {
    /// The first call holds back its last `items` requests; later calls write everything.
    pub fn first_call(items: usize) -> Self {
        WithholdWrites { every: usize::MAX, items, calls: AtomicUsize::new(0) }
    }

    /// Every `every`-th call (the first included) holds back its last `items` requests.
    pub fn every(every: usize, items: usize) -> Self {
        WithholdWrites { every: every.max(1), items, calls: AtomicUsize::new(0) }
    }
}

/// What one call held back, kept in that call's own config bag (calls run concurrently).
#[derive(Clone, Debug)]
struct Withheld(HashMap<String, Vec<WriteRequest>>);

impl Storable for Withheld {
    type Storer = StoreReplace<Self>;
}

impl Intercept for WithholdWrites {
    fn name(&self) -> &'static str {
        "WithholdWrites"
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
            let keep = requests.len().saturating_sub(self.items).max(1).min(requests.len());
            withheld.insert(table.clone(), requests.split_off(keep));
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
