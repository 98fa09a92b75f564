//! The smallest useful Lambda function, as `cargo lambda new` writes it: the baseline that
//! `cargo xtask bench` measures the producer's and consumer's cold init against. It answers
//! every event with the event itself.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::tracing::init_default_subscriber();
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async { Ok::<_, Error>(event.payload) })).await
}
