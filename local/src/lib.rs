//! Lambda handlers on a laptop.
//!
//! Lambda itself is the one part of the system the local emulator cannot run (moto needs
//! Docker to invoke a function). This crate stands in for it, in-process: [`http_front`]
//! turns each HTTP request into the API Gateway HTTP API (payload 2.0) event Lambda would
//! deliver, behind the API's JWT authorizer when it has one ([`authorizer`]), [`invoke_api`] serves Lambda's own Invoke API for functions called directly, and
//! [`sqs_poller`] does what Lambda's SQS event source mapping does ([`runtime_api`] runs a
//! function's real binary instead, for tests of what it logs). Handlers go through the
//! same `lambda_http`/`lambda_runtime` types as on Lambda, so what runs here is what runs
//! there.

pub mod authorizer;
mod handler;
pub mod http_front;
pub mod invoke_api;
pub mod runtime_api;
pub mod sqs_poller;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use lambda_http::{Body, Request, Response};
use lambda_runtime::{Context, Error, LambdaEvent};
use tracing::{Instrument, Span};

use authorizer::{AuthorizerSettings, JwtAuthorizer, LocalIssuer};

pub use handler::Handler;
pub use http_front::HttpFront;
pub use invoke_api::InvokeApi;
pub use sqs_poller::SqsEventSource;

/// The account id that locally built ARNs carry (moto's default account).
pub const LOCAL_ACCOUNT_ID: &str = "123456789012";

/// The region of an invocation when the SDK's configuration names none.
const DEFAULT_REGION: &str = "us-east-1";

/// What the local runner reads from its environment, with defaults that match the deployed
/// system's (see `terraform/`).
#[derive(Clone, Debug)]
pub struct LocalConfig {
    pub front: HttpFront,
    pub source: SqsEventSource,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be {expected}, not {value:?}")]
    Invalid { name: &'static str, expected: &'static str, value: String },
    #[error(transparent)]
    Issuer(#[from] authorizer::IssuerError),
}

impl LocalConfig {
    /// Reads `LOCAL_API_PORT` (3000), `PRODUCER_TIMEOUT_SECONDS` (10),
    /// `CONSUMER_TIMEOUT_SECONDS` (30), `CONSUMER_BATCH_SIZE` (10) and
    /// `CONSUMER_BATCHING_WINDOW_SECONDS` (0); `queue_url` is the consumer's source. With
    /// `LOCAL_JWT_AUTHORIZER`, the front checks tokens as the API's authorizer does (see
    /// [`authorizer_from_env`]).
    pub fn from_env(queue_url: String) -> Result<Self, ConfigError> {
        let port: u16 = env_or("LOCAL_API_PORT", 3000, "a port number")?;
        Ok(LocalConfig {
            front: HttpFront {
                addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                function_name: "producer".into(),
                timeout: Duration::from_secs(env_or("PRODUCER_TIMEOUT_SECONDS", 10, "a number of seconds")?),
                authorizer: authorizer_from_env()?
                    .map(|(settings, issuer)| Arc::new(JwtAuthorizer::new(settings, issuer.key_set()))),
            },
            source: SqsEventSource {
                queue_url,
                function_name: "consumer".into(),
                batch_size: env_or("CONSUMER_BATCH_SIZE", 10, "a batch size")?,
                batching_window: Duration::from_secs(env_or(
                    "CONSUMER_BATCHING_WINDOW_SECONDS",
                    0,
                    "a number of seconds",
                )?),
                timeout: Duration::from_secs(env_or("CONSUMER_TIMEOUT_SECONDS", 30, "a number of seconds")?),
            },
        })
    }
}

/// The API's JWT authorizer, as the applied Terraform describes it (`LOCAL_JWT_AUTHORIZER`),
/// and the local issuer that stands in for its issuer (its key at `LOCAL_ISSUER_KEY`): none
/// when the API has no authorizer. The local runner's front and `cargo xtask token` both read
/// them here.
pub fn authorizer_from_env() -> Result<Option<(AuthorizerSettings, LocalIssuer)>, ConfigError> {
    let Ok(settings) = std::env::var("LOCAL_JWT_AUTHORIZER") else { return Ok(None) };
    let expected = "a JSON object with issuer, audience and route_scopes";
    let settings: AuthorizerSettings = serde_json::from_str(&settings).map_err(|_| ConfigError::Invalid {
        name: "LOCAL_JWT_AUTHORIZER",
        expected,
        value: settings,
    })?;
    let key = std::env::var("LOCAL_ISSUER_KEY").map_err(|_| ConfigError::Invalid {
        name: "LOCAL_ISSUER_KEY",
        expected: "the path of the local issuer's key",
        value: String::new(),
    })?;
    let issuer = LocalIssuer::open_or_create(std::path::Path::new(&key))?;
    Ok(Some((settings, issuer)))
}

fn env_or<T: std::str::FromStr>(
    name: &'static str,
    default: T,
    expected: &'static str,
) -> Result<T, ConfigError> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(value) => value.parse().map_err(|_| ConfigError::Invalid { name, expected, value }),
    }
}

/// Serves the HTTP handler and polls the queue for the SQS handler until Ctrl-C or SIGTERM.
pub async fn run(
    config: LocalConfig,
    sdk: &SdkConfig,
    http: impl Handler<Request, Response<Body>>,
    sqs: impl Handler<LambdaEvent<SqsEvent>, SqsBatchResponse>,
) -> Result<(), Error> {
    let listener = config.front.bind().await?;
    let region = region(sdk);
    let front = config.front.serve(listener, region.clone(), http);
    let poller = config.source.poll(aws_sdk_sqs::Client::new(sdk), region, sqs);
    until_shutdown(front, poller).await
}

/// Serves both functions on the Lambda Invoke API (at the front's address, with the same
/// timeouts) and polls the queue for the consumer, until Ctrl-C or SIGTERM: the functions
/// before an API Gateway stands in front of the producer.
pub async fn run_invoke_api<Event, Answer>(
    config: LocalConfig,
    sdk: &SdkConfig,
    producer: impl Handler<LambdaEvent<Event>, Answer>,
    consumer: impl Handler<LambdaEvent<SqsEvent>, SqsBatchResponse> + Clone,
) -> Result<(), Error>
where
    Event: serde::de::DeserializeOwned + Send + 'static,
    Answer: serde::Serialize + Send + 'static,
{
    let LocalConfig { front, source } = config;
    let region = region(sdk);
    let api = InvokeApi::new(front.addr, region.clone())
        .function(&front.function_name, front.timeout, producer)
        .function(&source.function_name, source.timeout, consumer.clone());
    let listener = api.bind().await?;
    let poller = source.poll(aws_sdk_sqs::Client::new(sdk), region, consumer);
    until_shutdown(api.serve(listener), poller).await
}

async fn until_shutdown(
    front: impl Future<Output = Result<(), Error>>,
    poller: impl Future<Output = Result<(), Error>>,
) -> Result<(), Error> {
    tokio::select! {
        served = front => served?,
        polled = poller => polled?,
        () = shutdown_signal() => tracing::info!("stopping"),
    }
    Ok(())
}

fn region(sdk: &SdkConfig) -> String {
    sdk.region().map(ToString::to_string).unwrap_or_else(|| DEFAULT_REGION.into())
}

/// Why an invocation gave no answer, in the words Lambda's logs use.
#[derive(Debug, thiserror::Error)]
pub enum InvocationFailed {
    #[error("the function returned an error: {0}")]
    Error(String),
    #[error("Task timed out after {} seconds", .0.as_secs())]
    Timeout(Duration),
    #[error("the function panicked")]
    Panic,
}

/// Runs one invocation as Lambda would: in its own task, so that a panic fails this
/// invocation alone, cut off at the function's timeout, and inside its span (see
/// [`invocation_context`]).
pub async fn invoke_guarded<T, F>(timeout: Duration, span: Span, invocation: F) -> Result<T, InvocationFailed>
where
    F: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    match tokio::spawn(tokio::time::timeout(timeout, invocation).instrument(span)).await {
        Ok(Ok(Ok(answer))) => Ok(answer),
        Ok(Ok(Err(error))) => Err(InvocationFailed::Error(error.to_string())),
        Ok(Err(_)) => Err(InvocationFailed::Timeout(timeout)),
        Err(_) => Err(InvocationFailed::Panic),
    }
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler can be installed");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// The invocation context Lambda would pass (a fresh request id, a deadline, the ARN), and the
/// span `lambda_runtime` opens around each invocation, so every line the handler logs carries
/// its request id.
fn invocation_context(function_name: &str, region: &str, timeout: Duration) -> (Context, Span) {
    let mut context = Context::default();
    context.request_id = uuid::Uuid::new_v4().to_string();
    context.deadline = deadline_ms(timeout);
    context.invoked_function_arn = function_arn(region, function_name);
    let span = lambda_runtime::layers::trace::request_span(&context);
    (context, span)
}

/// The ARN Lambda gives a function, in the local account: the in-process runners and the
/// Runtime API host both build it here.
fn function_arn(region: &str, function_name: &str) -> String {
    format!("arn:aws:lambda:{region}:{LOCAL_ACCOUNT_ID}:function:{function_name}")
}

/// An invocation's deadline, `timeout` from now, in milliseconds since the Unix epoch, as Lambda
/// sends it (`lambda-runtime-deadline-ms`, `Context::deadline`).
fn deadline_ms(timeout: Duration) -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    u64::try_from((now + timeout).as_millis()).unwrap_or(u64::MAX)
}
