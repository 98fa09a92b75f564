//! A Lambda Runtime API host, for running a real function binary (its `main`, logging and
//! all) outside Lambda: it hands out the events it is given, one per `next` request, and
//! reports what the function answered.
//!
//! Lambda starts a function's `bootstrap` with `AWS_LAMBDA_RUNTIME_API` pointing at such a
//! host; [`RuntimeApi::function_env`] is the environment to start the binary with here.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use lambda_runtime::Error;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc, watch};

use crate::http_front::serve_connections;

const PREFIX: &str = "/2018-06-01/runtime/invocation/";

/// One invocation the function has not asked for yet.
struct Invocation {
    request_id: String,
    event: Value,
}

/// Invocations not yet handed out, and the wake-up of a `next` request waiting for one.
#[derive(Default)]
struct Pending {
    invocations: Mutex<VecDeque<Invocation>>,
    arrived: Notify,
}

/// The function the host serves as, in the invocation headers it sends: the local runner's
/// name and region, and Lambda's default timeout.
const FUNCTION_NAME: &str = "local";
const FUNCTION_TIMEOUT: Duration = Duration::from_secs(30);

/// What the function answered to one invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Response { request_id: String, body: Value },
    Error { request_id: String, body: Value },
}

/// A running Runtime API host.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    events: Arc<Pending>,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    /// How many `next` requests have arrived: the first one ends a function's init.
    next_requests: watch::Receiver<u64>,
}

impl RuntimeApi {
    /// Starts the host on a free local port, in the current tokio runtime.
    pub async fn start() -> Result<Self, Error> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let events = Arc::new(Pending::default());
        let (report, outcomes) = mpsc::unbounded_channel();
        let (count_next, next_requests) = watch::channel(0);
        let (queue, count_next) = (events.clone(), Arc::new(count_next));
        tokio::spawn(serve_connections(listener, move |_client, request| {
            let (queue, report, count_next) = (queue.clone(), report.clone(), count_next.clone());
            async move { answer(request, &queue, &report, &count_next).await }
        }));
        Ok(RuntimeApi { addr, events, outcomes, next_requests })
    }

    /// Waits until the function has asked for work `count` times in all. The first request
    /// is where Lambda's init phase ends (and the benchmark's cold-init clock stops).
    pub async fn asked_for_work(&mut self, count: u64) {
        // The sender lives as long as the server task, which lives as long as the runtime.
        let _ = self.next_requests.wait_for(|asked| *asked >= count).await;
    }

    /// Queues one invocation: the function gets it on its next `next` request.
    pub fn invoke(&self, request_id: &str, event: Value) {
        let invocation = Invocation { request_id: request_id.to_owned(), event };
        self.events.invocations.lock().expect("not poisoned").push_back(invocation);
        self.events.arrived.notify_one();
    }

    /// What the function answered next, or `None` once the host is gone.
    pub async fn outcome(&mut self) -> Option<Outcome> {
        self.outcomes.recv().await
    }

    /// The environment Lambda gives a function, pointing at this host.
    pub fn function_env(&self, function_name: &str) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_LAMBDA_RUNTIME_API", self.addr.to_string()),
            ("AWS_LAMBDA_FUNCTION_NAME", function_name.to_owned()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".into()),
            ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{function_name}")),
            ("AWS_LAMBDA_LOG_STREAM_NAME", "local".into()),
        ]
    }
}

async fn answer(
    request: hyper::Request<Incoming>,
    events: &Pending,
    report: &mpsc::UnboundedSender<Outcome>,
    count_next: &watch::Sender<u64>,
) -> hyper::Response<Full<Bytes>> {
    let path = request.uri().path().to_owned();
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return reply(404, Bytes::new(), None);
    };
    if rest == "next" {
        count_next.send_modify(|asked| *asked += 1);
        let Invocation { request_id, event } = loop {
            let next = events.invocations.lock().expect("not poisoned").pop_front();
            match next {
                Some(next) => break next,
                None => events.arrived.notified().await,
            }
        };
        return reply(200, Bytes::from(event.to_string()), Some(&request_id));
    }
    let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let outcome = match rest.split_once('/') {
        Some((id, "response")) => Outcome::Response { request_id: id.to_owned(), body },
        Some((id, "error")) => Outcome::Error { request_id: id.to_owned(), body },
        _ => return reply(404, Bytes::new(), None),
    };
    let _ = report.send(outcome);
    reply(202, Bytes::from_static(b"{\"status\":\"OK\"}"), None)
}

fn reply(status: u16, body: Bytes, request_id: Option<&str>) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::builder().status(status).header("content-type", "application/json");
    if let Some(request_id) = request_id {
        response = response
            .header("lambda-runtime-aws-request-id", request_id)
            .header("lambda-runtime-deadline-ms", crate::deadline_ms(FUNCTION_TIMEOUT).to_string())
            .header(
                "lambda-runtime-invoked-function-arn",
                crate::function_arn(crate::DEFAULT_REGION, FUNCTION_NAME),
            );
    }
    response.body(Full::new(body)).expect("status and headers are valid")
}
