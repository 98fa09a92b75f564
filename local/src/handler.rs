//! What every runner here takes: a Lambda handler, an async function of one event, as
//! `lambda_runtime::service_fn` takes it.
//!
//! Written once as a trait so that the runners' signatures name the event and the answer
//! (`impl Handler<Request, Response<Body>>`) instead of a function type and its future's type
//! each. Any `Fn(Event) -> impl Future<Output = Result<Answer, Error>>` is one.

use std::future::Future;
use std::pin::Pin;

use lambda_runtime::Error;

/// The future of one invocation: boxed, so that the trait names no future type.
pub type Invocation<Answer> = Pin<Box<dyn Future<Output = Result<Answer, Error>> + Send>>;

/// A handler of `Event`s that answers an `Answer`, shareable across the tasks that invoke it.
pub trait Handler<Event, Answer>: Send + Sync + 'static {
    fn invoke(&self, event: Event) -> Invocation<Answer>;
}

impl<H, Event, Answer, F> Handler<Event, Answer> for H
where
    H: Fn(Event) -> F + Send + Sync + 'static,
    F: Future<Output = Result<Answer, Error>> + Send + 'static,
{
    fn invoke(&self, event: Event) -> Invocation<Answer> {
        Box::pin(self(event))
    }
}
