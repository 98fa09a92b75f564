//! The producer Lambda behind API Gateway: `lambda_http` turns the API Gateway event into an
//! `http::Request` and the handler's `http::Response` back into what API Gateway expects.

use aws_config::BehaviorVersion;
use lambda_http::{Error, service_fn};
use step06_cloudwatch::producer::Producer;

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let sdk = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let producer = Producer::from_env(&sdk)?;
    lambda_http::run(service_fn(|request| producer.handle(request))).await
}
// ANCHOR_END: main
