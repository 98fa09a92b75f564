//! `cargo xtask fuzz`: the producer under generated requests, at scale.
//!
//! The properties are `final/tests/properties.rs` (any method, path, header set and body: no
//! panic, no 5xx, nothing queued for a 4xx, one message for a 202); `cargo test` runs 256
//! cases of each, this runs as many as asked. proptest shrinks a failing case and saves it in
//! `final/tests/properties.proptest-regressions`; commit that file and the case runs first in
//! every `cargo test` from then on.

use crate::progress::{Result, cargo, run_command, stage};
use crate::stack::{self, emulator_env};

/// Cases per property in `cargo xtask fuzz` (about 400,000 requests, a few minutes).
pub const DEFAULT_CASES: usize = 100_000;

pub fn run(cases: usize) -> Result {
    crate::setup::run()?;
    let emulator = stack::start_emulator_on_a_free_port()?;
    stage("fuzz", &format!("{cases} generated requests per property against the producer"), || {
        run_command(
            emulator_env(&mut cargo(emulator::repo_root()), emulator.endpoint())
                .args(["test", "--package", "books", "--test", "properties"])
                .env("PROPTEST_CASES", cases.to_string()),
        )
        .map_err(|e| {
            format!("{e}: the failing case, shrunk, is in final/tests/properties.proptest-regressions; commit it with the fix")
        })
    })
}
