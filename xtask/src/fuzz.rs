//! `cargo xtask fuzz`: the producer under generated requests, at scale.
//!
//! The properties are `final/tests/properties.rs` (any method, path, header set and body: no
//! panic, no 5xx, nothing queued for a 4xx, one message for a 202), run against AWS in memory
//! (`final/tests/common/memory.rs`): `cargo test` runs 256 cases of each, this runs as many as
//! asked, built with the `fuzz` profile (optimised, with debug assertions). A debug build spends
//! its time generating cases, not answering them: 2,300 cases a second on a 2-core machine,
//! on the emulator or in memory alike; this build in memory, 26,000. proptest shrinks a failing
//! case and saves it in `final/tests/properties.proptest-regressions`; commit that file and the
//! case runs first in every `cargo test` from then on. Then schemathesis, from outside: requests
//! made from `final/openapi.yaml` against the whole local stack on the emulator, the answers
//! checked against it.

use crate::package::{self, Functions};
use crate::progress::{Result, cargo, run_command, stage};
use crate::setup::Tools;
use crate::stack;
use anyhow::anyhow;

/// Cases per property in `cargo xtask fuzz` (about 400,000 requests, a few minutes).
pub const DEFAULT_CASES: usize = 100_000;

/// Cases per operation and phase of schemathesis in `cargo xtask test`, and here.
pub const API_EXAMPLES_IN_TEST: usize = 25;
const API_EXAMPLES: usize = 1_000;

pub fn run(cases: usize) -> Result {
    let tools = crate::setup::run()?;
    stage(
        "fuzz",
        &format!("{cases} generated requests per property against the producer, AWS in memory"),
        || {
            run_command(
            cargo(emulator::repo_root())
                .args(["test", "--profile", "fuzz", "--package", "books", "--test", "properties"])
                .env("PROPTEST_CASES", cases.to_string()),
        )
        .map_err(|e| {
            anyhow!("{e}: the failing case, shrunk, is in final/tests/properties.proptest-regressions; commit it with the fix")
        })
        },
    )?;
    let emulator = stack::start_emulator_on_a_free_port()?;
    let functions = Functions::final_system();
    let terraform = stack::final_root(&tools).with_packages(package::existing_or_placeholder(&functions)?);
    let outputs = stage("terraform apply", "apply terraform/ to the emulator from an empty state", || {
        terraform.apply_fresh(emulator.endpoint(), &[])
    })?;
    let fuzzed = stage(
        "schemathesis",
        &format!("{API_EXAMPLES} cases per operation and phase, from final/openapi.yaml"),
        || {
            let runner =
                stack::start_runner(&functions, emulator.endpoint(), &outputs, emulator::free_port(), None)?;
            let [(_, token), _] = stack::client_tokens(&outputs)?;
            api_as_documented(&tools, &runner.api_url, &token, API_EXAMPLES)
        },
    );
    let destroyed = stage("terraform destroy", "destroy what the apply created", || {
        terraform.destroy(emulator.endpoint())
    });
    fuzzed.and(destroyed)
}

/// schemathesis, with `final/openapi.yaml`, against the API at `url`, as a caller with `token`:
/// every phase, every check but two that do not fit this API, a fixed seed so that a failure
/// runs again the same way.
pub fn api_as_documented(tools: &Tools, url: &str, token: &str, examples: usize) -> Result {
    run_command(
        std::process::Command::new(&tools.schemathesis)
            .args(["run", "final/openapi.yaml", "--url", url, "--checks", "all"])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            // A 202 means queued, not stored: the GET its link leads to is 404 until the consumer
            // has stored the book, as documented. And a book valid by the schema can still be
            // 422: an ISBN's check digit and "no later than next year" are beyond JSON Schema.
            .args(["--exclude-checks", "ensure_resource_availability,positive_data_acceptance"])
            .args(["--phases", "examples,coverage,fuzzing,stateful", "--seed", "1"])
            .args(["--max-examples", &examples.to_string()])
            .args(["--workers", "1", "--request-timeout", "10", "--no-color"])
            .current_dir(emulator::repo_root()),
    )
    .map_err(|e| {
        anyhow!("{e}: the API answers what final/openapi.yaml does not describe (schemathesis prints each case with a curl command to replay it)")
    })
}
