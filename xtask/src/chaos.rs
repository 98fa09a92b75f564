//! `cargo xtask chaos`: the fault run, 10,000 books posted through the local stack while the
//! emulator goes away twice, the runner is killed and restarted, and DynamoDB leaves writes
//! unprocessed; it fails on any book lost or stored twice. `cargo xtask test` runs a smaller one.
//!
//! xtask applies the Terraform root with a `max_receive_count` the faults alone cannot reach,
//! so only invalid messages may be dead-lettered; the run itself (the proxy, the runner it
//! kills, the clients, the verdict) is `fault_run` in `final/tests/end_to_end.rs`.

use crate::package::{self, Functions};
use crate::progress::{Result, cargo, run_command, stage};
use crate::setup::{self, Tools};
use crate::stack::{self, emulator_env};

/// Books in `cargo xtask chaos`.
pub const FULL_RUN_BOOKS: usize = 10_000;

/// Receives before a message is dead-lettered: the faults can fail a valid message's batch
/// at most four times (two outages, one kill, one throttle the store could not retry away).
const MAX_RECEIVE_COUNT: &str = "max_receive_count=10";

/// `cargo xtask chaos`: setup, a fresh emulator, then [`fault_run`].
pub fn run(books: usize) -> Result {
    let tools = setup::run()?;
    let emulator = stack::start_emulator_on_a_free_port()?;
    fault_run(&tools, emulator.endpoint(), books)
}

/// Applies `terraform/` to the emulator at `endpoint`, runs the fault run with `books` books,
/// and destroys what it applied.
pub fn fault_run(tools: &Tools, endpoint: &str, books: usize) -> Result {
    let root = emulator::repo_root();
    let terraform =
        stack::final_root(tools).with_packages(package::existing_or_placeholder(&Functions::final_system())?);
    let outputs = stage(
        "terraform apply",
        &format!("apply terraform/ to the emulator with {MAX_RECEIVE_COUNT}"),
        || terraform.apply_fresh(endpoint, &[MAX_RECEIVE_COUNT]),
    )?;
    let runner_env = serde_json::to_string(&stack::runner_env(&outputs)?)?;
    let tokens = stack::client_tokens(&outputs)?;
    let text = |name: &str| outputs.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let run = stage("fault run", &format!("{books} books through faults, then count them"), || {
        run_command(cargo(root).args([
            "build",
            "--quiet",
            "--package",
            "books",
            "--example",
            "chaos_runner",
        ]))?;
        let runner = root.join("target").join("debug").join("examples").join("chaos_runner");
        run_command(
            emulator_env(&mut cargo(root), endpoint)
                .args(["test", "--package", "books", "--test", "end_to_end", "--"])
                .args(["--ignored", "--exact", "fault_run", "--nocapture"])
                .env("CHAOS_BOOKS", books.to_string())
                .env("CHAOS_RUNNER", runner)
                .env("CHAOS_RUNNER_ENV", &runner_env)
                .envs(tokens)
                .env("TABLE_NAME", text("table_name"))
                .env("QUEUE_URL", text("queue_url"))
                .env("DEAD_LETTER_QUEUE_URL", text("dead_letter_queue_url")),
        )
    });
    let destroy = stage("terraform destroy", "destroy what the fault run's apply created", || {
        terraform.destroy(endpoint)
    });
    run.and(destroy)
}
