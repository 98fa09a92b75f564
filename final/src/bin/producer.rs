//! The producer Lambda: `POST /books` and `GET /books/{id}` behind API Gateway.

use books::config::{fail_init, sdk_config};
use books::producer::Producer;
use lambda_http::{Error, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    books::logs::init();
    let producer = Producer::from_env(&sdk_config().await).unwrap_or_else(|error| fail_init(error));
    lambda_http::run(service_fn(|request| producer.handle(request))).await
}
