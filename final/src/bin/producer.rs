//! The producer Lambda: `POST /books` and `GET /books/{id}` behind API Gateway.

use books::config::sdk_config;
use books::producer::Producer;
use lambda_http::{Error, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let producer = Producer::from_env(&sdk_config().await)?;
    lambda_http::run(service_fn(|request| producer.handle(request))).await
}
