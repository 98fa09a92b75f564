//! An HTTP server that plays API Gateway (HTTP API, payload format 2.0, `$default` stage),
//! with the API's JWT authorizer when it has one.
//!
//! Each request becomes the JSON event API Gateway would send to Lambda, is read back by
//! `lambda_http` exactly as on Lambda, and the handler's response goes back through
//! `lambda_http`'s API Gateway response. A handler error, panic or timeout is answered as
//! API Gateway answers a failed invocation: `500 {"message":"Internal Server Error"}`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper_util::rt::TokioIo;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpResponse;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Body, Error, Request, Response, Service, service_fn};
use lambda_runtime::LambdaEvent;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use tokio::net::TcpListener;

use crate::Handler;
use crate::authorizer::{JwtAuthorizer, Verdict};

/// API Gateway refuses request payloads over 10 MB before they reach the function.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Where the front listens and the function it stands in front of.
#[derive(Clone, Debug)]
pub struct HttpFront {
    pub addr: SocketAddr,
    pub function_name: String,
    /// The function's timeout: a slower invocation is answered 500, as on Lambda.
    pub timeout: Duration,
    /// The API's JWT authorizer, when its routes have one: requests it refuses never reach
    /// the function.
    pub authorizer: Option<Arc<JwtAuthorizer>>,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot listen on {addr}: {source} (is another local stack running? pick another port with `--api-port`)"
)]
pub struct BindError {
    pub(crate) addr: SocketAddr,
    pub(crate) source: std::io::Error,
}

impl HttpFront {
    /// Binds the listening socket, so a taken port is reported before anything else starts.
    pub async fn bind(&self) -> Result<TcpListener, BindError> {
        TcpListener::bind(self.addr).await.map_err(|source| BindError { addr: self.addr, source })
    }

    /// Serves requests on `listener` with `handler`, until the task is dropped.
    pub async fn serve(
        &self,
        listener: TcpListener,
        region: String,
        handler: impl Handler<Request, Response<Body>>,
    ) -> Result<(), Error> {
        tracing::info!(url = %format!("http://{}", self.addr), "API listening");
        let (handler, front, region) = (Arc::new(handler), Arc::new(self.clone()), Arc::<str>::from(region));
        serve_connections(listener, move |client, request| {
            let (handler, front, region) = (handler.clone(), front.clone(), region.clone());
            async move { front.invoke(&region, client, request, handler).await }
        })
        .await
    }

    async fn invoke(
        &self,
        region: &str,
        client: SocketAddr,
        request: hyper::Request<Incoming>,
        handler: Arc<impl Handler<Request, Response<Body>>>,
    ) -> hyper::Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let Ok(body) = Limited::new(body, MAX_PAYLOAD_BYTES).collect().await.map(|b| b.to_bytes()) else {
            return gateway_answer(413, "Request Entity Too Large");
        };
        let event = match event_for(self.authorizer.as_deref(), &parts, &body, client) {
            Ok(event) => event,
            Err(refused) => return *refused,
        };
        let request: LambdaRequest = match serde_json::from_value(event) {
            Ok(request) => request,
            Err(error) => {
                tracing::error!(%error, "lambda_http refused the event");
                return gateway_answer(500, "Internal Server Error");
            }
        };
        let (context, span) = crate::invocation_context(&self.function_name, region, self.timeout);
        let mut adapter = Adapter::from(service_fn(move |request| handler.invoke(request)));
        let invocation = async move { adapter.call(LambdaEvent::new(request, context)).await };
        match crate::invoke_guarded(self.timeout, span, invocation).await {
            Ok(response) => match serde_json::to_value(response) {
                Ok(response) => into_http(response),
                Err(error) => {
                    tracing::error!(function = %self.function_name, %error, "its response is not JSON");
                    gateway_answer(500, "Internal Server Error")
                }
            },
            Err(failure) => {
                tracing::error!(function = %self.function_name, %failure, "invocation failed");
                gateway_answer(500, "Internal Server Error")
            }
        }
    }
}

/// Accepts HTTP/1.1 connections on `listener` forever, answering each request with `respond`.
pub(crate) async fn serve_connections<R, F>(listener: TcpListener, respond: R) -> Result<(), Error>
where
    R: Fn(SocketAddr, hyper::Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = hyper::Response<Full<Bytes>>> + Send + 'static,
{
    loop {
        let (stream, client) = listener.accept().await?;
        let respond = respond.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let answer = respond(client, request);
                async move { Ok::<_, Infallible>(answer.await) }
            });
            let connection =
                hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection closed");
            }
        });
    }
}

/// The event API Gateway sends for one request: [`api_gateway_event`], then, when the API has
/// a JWT authorizer, the route it matched and the token's claims; or the answer API Gateway
/// gives itself when the authorizer refuses the request.
pub fn event_for(
    authorizer: Option<&JwtAuthorizer>,
    parts: &Parts,
    body: &[u8],
    client: SocketAddr,
) -> Result<Value, Box<hyper::Response<Full<Bytes>>>> {
    let mut event = api_gateway_event(parts, body, client);
    let Some(authorizer) = authorizer else { return Ok(event) };
    let authorization = parts.headers.get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let challenge = |answer: &mut hyper::Response<Full<Bytes>>, challenge: String| {
        if let Ok(challenge) = hyper::header::HeaderValue::from_str(&challenge) {
            answer.headers_mut().insert(hyper::header::WWW_AUTHENTICATE, challenge);
        }
    };
    match authorizer.authorize(parts.method.as_str(), parts.uri.path(), authorization) {
        Verdict::Allow { route_key, path_parameters, authorizer } => {
            event["routeKey"] = Value::from(route_key.clone());
            event["requestContext"]["routeKey"] = Value::from(route_key);
            event["requestContext"]["authorizer"] = authorizer;
            if !path_parameters.is_empty() {
                event["pathParameters"] = Value::Object(path_parameters);
            }
            Ok(event)
        }
        Verdict::Unauthorized(reason) => {
            let mut answer = gateway_answer(401, "Unauthorized");
            challenge(
                &mut answer,
                format!("Bearer scope=\"\" error=\"invalid_token\" error_description=\"{reason}\""),
            );
            Err(Box::new(answer))
        }
        Verdict::Forbidden { route_scopes } => {
            let mut answer = gateway_answer(403, "Forbidden");
            let scopes = route_scopes.join(" ");
            challenge(
                &mut answer,
                format!(
                    "Bearer scope=\"{scopes}\" error=\"insufficient_scope\" error_description=\"the token does not have a valid scope\""
                ),
            );
            Err(Box::new(answer))
        }
        Verdict::NoRoute => Err(Box::new(gateway_answer(404, "Not Found"))),
    }
}

/// The API Gateway HTTP API event (payload format 2.0) for one request, as Lambda delivers
/// it for the `$default` route of the `$default` stage of an API without an authorizer. Tests
/// build their requests with it too.
pub fn api_gateway_event(parts: &Parts, body: &[u8], client: SocketAddr) -> Value {
    let mut headers = Map::new();
    // Payload 2.0 moves cookies to their own list (`cookies`, below); lambda_http puts them back
    // into a `cookie` header for the handler.
    for name in parts.headers.keys().filter(|name| *name != lambda_http::http::header::COOKIE) {
        // API Gateway joins repeated headers with commas, and passes a value that is not ASCII
        // on as text (the handler, not the front, decides what such a value means).
        let values: Vec<String> = parts
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        headers.insert(name.as_str().to_owned(), Value::from(values.join(",")));
    }
    let header = |name: &str| headers.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    let host = header("host");
    let query = parts.uri.query().unwrap_or_default();
    let mut parameters = Map::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let joined = match parameters.get(key).and_then(Value::as_str) {
            Some(previous) => format!("{previous},{value}"),
            None => value.to_owned(),
        };
        parameters.insert(key.to_owned(), Value::from(joined));
    }
    let (body, is_base64_encoded) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => (BASE64.encode(body), true),
    };
    let now = OffsetDateTime::now_utc();
    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.uri.path(),
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": crate::LOCAL_ACCOUNT_ID,
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split('.').next().unwrap_or_default(),
            "http": {
                "method": parts.method.as_str(),
                "path": parts.uri.path(),
                "protocol": format!("{:?}", parts.version),
                "sourceIp": client.ip().to_string(),
                "userAgent": header("user-agent"),
            },
            "requestId": uuid::Uuid::new_v4().to_string(),
            "routeKey": "$default",
            "stage": "$default",
            "time": request_time(now),
            "timeEpoch": now.unix_timestamp() * 1000 + i64::from(now.millisecond()),
        },
        "isBase64Encoded": is_base64_encoded,
    });
    if !body.is_empty() {
        event["body"] = Value::from(body);
    }
    if !parameters.is_empty() {
        event["queryStringParameters"] = Value::Object(parameters);
    }
    let cookie_header: String =
        parts.headers.get_all("cookie").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join("; ");
    let cookies: Vec<&str> = cookie_header.split("; ").filter(|c| !c.is_empty()).collect();
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    event
}

/// The request time as API Gateway writes it, e.g. `25/Nov/2026:04:05:29 +0000`.
fn request_time(now: OffsetDateTime) -> String {
    let month = now.month().to_string();
    let (day, year, (hour, minute, second)) = (now.day(), now.year(), now.to_hms());
    format!("{day:02}/{}/{year}:{hour:02}:{minute:02}:{second:02} +0000", &month[..3])
}

/// What API Gateway sends back for the function's response, read from the JSON the
/// function returns (as on Lambda).
fn into_http(response: Value) -> hyper::Response<Full<Bytes>> {
    let Ok(response) = serde_json::from_value::<ApiGatewayV2httpResponse>(response) else {
        return gateway_answer(500, "Internal Server Error");
    };
    let mut answer = hyper::Response::builder().status(u16::try_from(response.status_code).unwrap_or(500));
    for (name, value) in &response.headers {
        answer = answer.header(name, value);
    }
    for cookie in &response.cookies {
        answer = answer.header("set-cookie", cookie);
    }
    let body = match response.body {
        Some(Body::Text(text)) if response.is_base64_encoded => BASE64.decode(text).map(Bytes::from),
        Some(Body::Text(text)) => Ok(Bytes::from(text)),
        Some(Body::Binary(bytes)) => Ok(Bytes::from(bytes)),
        _ => Ok(Bytes::new()),
    };
    let Ok(body) = body else {
        return gateway_answer(500, "Internal Server Error");
    };
    answer.body(Full::new(body)).unwrap_or_else(|_| gateway_answer(500, "Internal Server Error"))
}

/// An answer from API Gateway itself, in its JSON shape.
fn gateway_answer(status: u16, message: &str) -> hyper::Response<Full<Bytes>> {
    let mut response =
        hyper::Response::new(Full::new(Bytes::from(json!({ "message": message }).to_string())));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    response
}
