//! The business metrics, books stored and books failed, in CloudWatch's embedded metric format.
//!
//! One JSON line on stdout per batch. Lambda ships stdout to the function's log group, and
//! CloudWatch Logs turns any line with an `_aws` member into metric values: no `PutMetricData`
//! call, so no added latency, no extra IAM action, and a metric that cannot fail the batch.
//! The cloudwatch module's dashboard and alarms read it by the names below.
//!
//! Lambda's log-level filter reads every JSON line's `level` and `timestamp`, so the line has
//! both, as the log lines do: at level INFO, which the lambdas module never filters out.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

// ANCHOR: names
/// The metrics' namespace, names and dimension, as the cloudwatch module reads them.
pub const NAMESPACE: &str = "Books";
pub const BOOKS_STORED: &str = "BooksStored";
/// Records reported in `batchItemFailures`: an invocation that fails every record still
/// succeeds for Lambda's `Errors` metric, so this is what says the consumer is failing.
pub const BOOKS_FAILED: &str = "BooksFailed";
pub const DIMENSION: &str = "FunctionName";
// ANCHOR_END: names

/// Writes the metrics of one function.
#[derive(Clone, Debug)]
pub struct Metrics {
    function_name: String,
}

impl Metrics {
    pub fn new(function_name: impl Into<String>) -> Self {
        Metrics { function_name: function_name.into() }
    }

    /// The metrics of the function Lambda runs (`AWS_LAMBDA_FUNCTION_NAME`), or of `local`.
    pub fn from_env() -> Self {
        Metrics::new(std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_else(|_| "local".into()))
    }

    /// Records one batch: `stored` books written, `failed` records reported for a retry.
    /// Printed as one line, as the log subscriber prints its own, so the two never interleave.
    pub fn batch_done(&self, stored: usize, failed: usize) {
        println!("{}", self.batch_line(stored, failed, OffsetDateTime::now_utc()));
    }

    // ANCHOR: emf
    /// The EMF line of a batch done at `at`.
    pub fn batch_line(&self, stored: usize, failed: usize, at: OffsetDateTime) -> Value {
        let metric = |name| json!({ "Name": name, "Unit": "Count" });
        json!({
            "timestamp": at.format(&Rfc3339).unwrap_or_default(),
            "level": "INFO",
            "_aws": {
                "Timestamp": at.unix_timestamp() * 1000 + i64::from(at.millisecond()),
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [[DIMENSION]],
                    "Metrics": [metric(BOOKS_STORED), metric(BOOKS_FAILED)],
                }],
            },
            DIMENSION: self.function_name,
            BOOKS_STORED: stored,
            BOOKS_FAILED: failed,
        })
    }
    // ANCHOR_END: emf
}
