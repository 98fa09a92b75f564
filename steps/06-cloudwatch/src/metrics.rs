//! The business metric, books stored, in CloudWatch's embedded metric format (EMF).
//!
//! One JSON line on stdout per batch. Lambda ships stdout to the function's log group, and
//! CloudWatch Logs turns any line with an `_aws` member into metric values: no `PutMetricData`
//! call, so no added latency, no extra IAM action, and a metric that cannot fail the batch.
//! The cloudwatch module's dashboard reads it by the names below.

use serde_json::{Value, json};
use time::OffsetDateTime;

// ANCHOR: names
/// The metric's namespace, name and dimension, as the cloudwatch module reads them.
pub const NAMESPACE: &str = "Books";
pub const BOOKS_STORED: &str = "BooksStored";
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

    /// Records `count` books stored now. Printed as one line, as the log subscriber prints its
    /// own, so the two never interleave.
    pub fn books_stored(&self, count: usize) {
        println!("{}", self.books_stored_line(count, OffsetDateTime::now_utc()));
    }

    // ANCHOR: emf
    /// The EMF line for `count` books stored at `at`.
    pub fn books_stored_line(&self, count: usize, at: OffsetDateTime) -> Value {
        // ANCHOR: task_metric json!({...}): an "_aws" member with Timestamp (milliseconds) and CloudWatchMetrics (NAMESPACE, Dimensions [[DIMENSION]], Metrics [BOOKS_STORED, Count]), then DIMENSION and BOOKS_STORED values
        json!({
            "_aws": {
                "Timestamp": at.unix_timestamp() * 1000 + i64::from(at.millisecond()),
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [[DIMENSION]],
                    "Metrics": [{ "Name": BOOKS_STORED, "Unit": "Count" }],
                }],
            },
            DIMENSION: self.function_name,
            BOOKS_STORED: count,
        })
        // ANCHOR_END: task_metric
    }
    // ANCHOR_END: emf
}
