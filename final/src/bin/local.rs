//! Both functions on a laptop: the producer behind a local HTTP front, the consumer behind a
//! poller that does what Lambda's SQS event source mapping does. `cargo xtask local` runs it.

use books::config::sdk_config;
use books::consumer::Consumer;
use books::producer::Producer;
use lambda_runtime::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    books::logs::init();
    let sdk = sdk_config().await;
    let (producer, consumer) = (Producer::from_env(&sdk)?, Consumer::from_env(&sdk)?);
    books::local::run(&sdk, producer, consumer).await
}
