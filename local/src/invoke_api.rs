//! Lambda's Invoke API, for functions called directly with a JSON event.
//!
//! Before API Gateway stands in front of a function, it is invoked the way `aws lambda invoke`
//! and `cargo lambda invoke` do it: `POST /2015-03-31/functions/{name}/invocations` with the
//! event as the body. The answer is Lambda's: the function's JSON with 200, or, when the
//! function fails, `{"errorType","errorMessage"}` with 200 and `X-Amz-Function-Error: Unhandled`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use lambda_runtime::{Error, LambdaEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::Handler;
use crate::http_front::{BindError, serve_connections};

/// Lambda refuses synchronous invocation payloads over 6 MB.
const MAX_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;

/// A function as served here: its event and answer as JSON.
type Function = Arc<dyn Handler<LambdaEvent<Value>, Value>>;

/// The functions served, by name, each with its timeout.
#[derive(Clone)]
pub struct InvokeApi {
    pub addr: SocketAddr,
    region: String,
    functions: HashMap<String, (Duration, Function)>,
}

impl InvokeApi {
    pub fn new(addr: SocketAddr, region: String) -> Self {
        InvokeApi { addr, region, functions: HashMap::new() }
    }

    /// Adds a function: its event is read from the request body as Lambda's runtime would read
    /// it (an event that does not fit `E` is an invocation error), its answer written as JSON.
    pub fn function<Event, Answer>(
        mut self,
        name: &str,
        timeout: Duration,
        handler: impl Handler<LambdaEvent<Event>, Answer>,
    ) -> Self
    where
        Event: DeserializeOwned + Send + 'static,
        Answer: Serialize + Send + 'static,
    {
        let handler = Arc::new(handler);
        let function: Function = Arc::new(move |event: LambdaEvent<Value>| {
            let handler = handler.clone();
            async move {
                let payload: Event = serde_json::from_value(event.payload)?;
                let answer = handler.invoke(LambdaEvent::new(payload, event.context)).await?;
                Ok(serde_json::to_value(answer)?)
            }
        });
        self.functions.insert(name.to_owned(), (timeout, function));
        self
    }

    /// Binds the listening socket, so a taken port is reported before anything else starts.
    pub async fn bind(&self) -> Result<TcpListener, BindError> {
        TcpListener::bind(self.addr).await.map_err(|source| BindError { addr: self.addr, source })
    }

    /// Serves invocations on `listener` until the task is dropped.
    pub async fn serve(self, listener: TcpListener) -> Result<(), Error> {
        let mut names: Vec<&String> = self.functions.keys().collect();
        names.sort();
        for name in names {
            tracing::info!(url = %format!("http://{}{}", self.addr, invocations_path(name)), "function invocable");
        }
        let api = Arc::new(self);
        serve_connections(listener, move |_client, request| {
            let api = api.clone();
            async move { api.invoke(request).await }
        })
        .await
    }

    async fn invoke(&self, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let path = request.uri().path().to_owned();
        let name =
            path.strip_prefix("/2015-03-31/functions/").and_then(|rest| rest.strip_suffix("/invocations"));
        let Some((name, (timeout, function))) = name.and_then(|name| self.functions.get_key_value(name))
        else {
            let message = format!("Function not found: {path}");
            return answer(404, json!({ "Type": "User", "message": message }), None);
        };
        if request.method() != hyper::Method::POST {
            return answer(405, json!({ "message": "invoke with POST" }), None);
        }
        let Ok(body) = Limited::new(request.into_body(), MAX_PAYLOAD_BYTES).collect().await else {
            return answer(
                413,
                json!({ "Type": "User", "message": "Request must be smaller than 6 MB" }),
                None,
            );
        };
        let body = body.to_bytes();
        let event: Value = if body.is_empty() {
            json!({})
        } else {
            match serde_json::from_slice(&body) {
                Ok(event) => event,
                Err(error) => {
                    let message = format!("Could not parse request body into json: {error}");
                    return answer(400, json!({ "Type": "User", "message": message }), None);
                }
            }
        };
        let (context, span) = crate::invocation_context(name, &self.region, *timeout);
        match crate::invoke_guarded(*timeout, span, function.invoke(LambdaEvent::new(event, context))).await {
            Ok(response) => answer(200, response, None),
            Err(failure) => {
                tracing::error!(function = %name, %failure, "invocation failed");
                let error_type = match failure {
                    crate::InvocationFailed::Timeout(_) => "Sandbox.Timedout",
                    _ => "Runtime.HandlerError",
                };
                let body = json!({ "errorType": error_type, "errorMessage": failure.to_string() });
                answer(200, body, Some("Unhandled"))
            }
        }
    }
}

/// Where a function is invoked: what `aws lambda invoke` calls.
pub fn invocations_path(function_name: &str) -> String {
    format!("/2015-03-31/functions/{function_name}/invocations")
}

fn answer(status: u16, body: Value, function_error: Option<&str>) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-amz-executed-version", "$LATEST");
    if let Some(function_error) = function_error {
        response = response.header("x-amz-function-error", function_error);
    }
    response.body(Full::new(Bytes::from(body.to_string()))).expect("status and headers are valid")
}
