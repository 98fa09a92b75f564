//! Plays a DynamoDB that fails some writes: every few `PutItem` calls fail before they are sent,
//! as a call does that runs out of the SDK's retries against a throttled or unreachable table. The tests
//! use it through `common`; the fault run's runner (`examples/chaos_runner.rs`) includes this
//! file as well.

use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;

#[derive(Debug)]
pub struct FailWrites {
    every: usize,
    calls: AtomicUsize,
}

impl FailWrites {
    /// Every `every`-th write call (the first included) fails; `1` fails them all.
    pub fn every(every: usize) -> Self {
        FailWrites { every: every.max(1), calls: AtomicUsize::new(0) }
    }
}

impl Intercept for FailWrites {
    fn name(&self) -> &'static str {
        "FailWrites"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if context.input().downcast_ref::<PutItemInput>().is_some()
            && self.calls.fetch_add(1, Ordering::Relaxed).is_multiple_of(self.every)
        {
            return Err("FailWrites: this write fails, as one out of retries would".into());
        }
        Ok(())
    }
}
