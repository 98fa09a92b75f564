//! `cargo xtask test`: every check, in the order that fails fastest, stopping at the first
//! failure and naming its stage. CI runs exactly this.

use anyhow::{Context, anyhow};
use std::path::{Path, PathBuf};

use crate::diffs;
use crate::package;
use crate::progress::{Result, cargo, run_command, stage};
use crate::setup;
use crate::stack::{self, Terraform, emulator_env};
use crate::{bench, book, chaos, doctor, features, fuzz, module_docs, workflows, workshop};

/// The groups of `cargo xtask test`, in the order it runs them: each can run alone
/// (`cargo xtask test <group>`), which is how the GitHub workflow runs them in parallel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Group {
    /// doctor, fmt, features, diffs, the book, the OpenAPI document, the workflows, clippy.
    Lint,
    /// `cargo test --workspace`.
    Unit,
    /// start/check/solve of every step.
    Workshop,
    /// Terraform: fmt, the module READMEs, validate, test, checkov, the step plans, the bootstrap root applied.
    Terraform,
    /// The zips, the final root applied, the end-to-end test, the fault run.
    Stack,
    /// The benchmark, once and small.
    Bench,
}

/// Runs the groups `only` names (every group when it is `None`), stopping at the first failure.
pub fn run(only: Option<Group>) -> Result {
    let tools = setup::run()?;
    // Started for the first group that needs it, stopped after the last.
    let mut emulator = None;
    let mut endpoint = || -> Result<String> {
        let running = match emulator.take() {
            Some(running) => running,
            None => stack::start_emulator_on_a_free_port()?,
        };
        let endpoint = running.endpoint().to_owned();
        emulator = Some(running);
        Ok(endpoint)
    };
    for group in <Group as clap::ValueEnum>::value_variants()
        .iter()
        .filter(|group| only.is_none_or(|only| only == **group))
    {
        match group {
            Group::Lint => lint(&tools)?,
            Group::Unit => unit(&endpoint()?)?,
            Group::Workshop => {
                stage(
                    "workshop",
                    "cargo xtask start/check/solve NN: the skeleton compiles and fails by task, the solution passes",
                    || workshop::self_test(&WORKSHOP_STEPS),
                )?;
            }
            Group::Terraform => terraform(&tools, &endpoint()?)?,
            Group::Stack => system(&tools, &endpoint()?)?,
            // The benchmark, every part once and small: it reports nothing, but it cannot rot.
            Group::Bench => bench::run(bench::Plan::QUICK)?,
        }
    }
    drop(emulator);
    println!("\nAll checks passed.");
    Ok(())
}

fn lint(tools: &setup::Tools) -> Result {
    let root = emulator::repo_root();
    stage("doctor", "the pre-flight a room runs: cargo xtask doctor", doctor::run)?;
    stage("fmt", "cargo fmt --check", || run_command(cargo(root).args(["fmt", "--all", "--check"])))?;
    stage(
        "features",
        "every crate resolves its dependencies as the workspace does (workspace-hack/)",
        features::check,
    )?;
    stage(
        "boundary",
        "the release functions compile no lambda-local (the laptop's host)",
        features::functions_without_the_local_host,
    )?;
    stage("diffs", "the book's step diffs match the steps", diffs::check)?;
    stage("book", "includes, pasted code, shell commands, mdbook build, links", || book::check(tools))?;
    stage(
        "openapi",
        "final/openapi.yaml is valid OpenAPI 3.1 and describes every answer of the snapshot table",
        || {
            let python = emulator::venv_python();
            run_command(
                std::process::Command::new(&python)
                    .args(["-m", "openapi_spec_validator", "final/openapi.yaml"])
                    .current_dir(root),
            )?;
            run_command(
                std::process::Command::new(&python)
                    .args(["xtask/python/openapi_answers.py", "final/openapi.yaml", HTTP_ANSWERS])
                    .current_dir(root),
            )
        },
    )?;
    stage(
        "workflows",
        "GitHub's schema, actionlint; every action pinned by commit; no AWS key in .github/",
        || workflows::check(tools),
    )?;
    stage("clippy", "cargo clippy on every crate and target, warnings are errors", || {
        run_command(cargo(root).args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    })
}

fn unit(endpoint: &str) -> Result {
    stage("cargo test", "unit, snapshot and emulator tests of every crate", || {
        run_command(emulator_env(&mut cargo(emulator::repo_root()), endpoint).args(["test", "--workspace"]))
    })
}

fn terraform(tools: &setup::Tools, endpoint: &str) -> Result {
    let root = emulator::repo_root();
    let roots = terraform_roots(root, tools);
    let modules = terraform_modules(root, tools);
    stage("terraform fmt", "terraform fmt -check of every .tf file", || {
        for dir in ["terraform", "steps"].map(|dir| root.join(dir)).iter().filter(|dir| dir.is_dir()) {
            run_command(
                std::process::Command::new("terraform")
                    .args(["fmt", "-check", "-recursive", "-diff"])
                    .arg(dir),
            )?;
        }
        Ok(())
    })?;
    stage(
        "module docs",
        "every module README's inputs, outputs and example match its variables.tf, outputs.tf and the root's call",
        module_docs::check,
    )?;
    for terraform in &roots {
        stage("terraform validate", &format!("init and validate {}", terraform.dir.display()), || {
            terraform.validate()
        })?;
    }
    stage(
        "terraform test",
        "terraform test (mocked provider) of the roots and every module with tests",
        || {
            roots
                .iter()
                .chain(&modules)
                .filter(|t| t.dir.join("tests").is_dir())
                .try_for_each(Terraform::test)
        },
    )?;
    stage("checkov", "checkov policy scan of terraform/ (every skip is inline, with its reason)", || {
        run_command(
            std::process::Command::new(&tools.checkov)
                .args([
                    "--directory",
                    "terraform",
                    "--framework",
                    "terraform",
                    "--quiet",
                    "--compact",
                    "--skip-download",
                ])
                .current_dir(root),
        )
    })?;
    for step in stack::steps() {
        let mut terraform = stack::step_root(&step, tools);
        if let Some(functions) = package::Functions::of_step(&step) {
            terraform = terraform.with_packages(package::existing_or_placeholder(&functions)?);
        }
        stage("terraform plan", &format!("plan {} against the emulator", terraform.dir.display()), || {
            terraform.plan_fresh(endpoint)
        })?;
    }
    let bootstrap = stack::bootstrap_root(tools);
    stage(
        "bootstrap",
        "apply terraform/bootstrap/ to the emulator, then destroy it and check nothing is left",
        || {
            let outputs = bootstrap.apply_fresh(endpoint, &[])?;
            let role = outputs.get("production_role_arn").and_then(|v| v.as_str()).unwrap_or_default();
            if !role.ends_with(":role/books-deploy-production") {
                return Err(anyhow!("the bootstrap root made no production role: {outputs:?}"));
            }
            bootstrap.destroy(endpoint)?;
            left_behind(endpoint)
        },
    )
}

fn system(tools: &setup::Tools, endpoint: &str) -> Result {
    let root = emulator::repo_root();
    let functions = package::Functions::final_system();
    package::build(tools, package::Arch::X86_64, &functions)?;
    stage("package", "packaging the same commit again gives byte-identical zips", || {
        package::rebuild_is_identical(tools, package::Arch::X86_64, &functions)
    })?;
    let terraform = stack::final_root(tools);
    let outputs = stage("terraform apply", "apply terraform/ to the emulator from an empty state", || {
        terraform.apply_fresh(endpoint, &[])
    })?;
    let log = emulator::data_dir().join("local-runner.log");
    let end_to_end = stage(
        "end-to-end",
        "the deploy's smoke test, then books posted through the local runner, read from the table and the DLQ",
        || {
            let runner =
                stack::start_runner(&functions, endpoint, &outputs, emulator::free_port(), Some(&log))?;
            let tokens = stack::client_tokens(&outputs)?;
            let text = |name: &str| outputs.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let end_to_end = |test: &str| {
                run_command(
                    emulator_env(&mut cargo(root), endpoint)
                        .args([
                            "test",
                            "--package",
                            "books",
                            "--test",
                            "end_to_end",
                            "--",
                            "--ignored",
                            "--exact",
                        ])
                        .args([test, "--nocapture"])
                        .env("BOOKS_API_URL", &runner.api_url)
                        .envs(tokens.clone())
                        .env("TABLE_NAME", text("table_name"))
                        .env("QUEUE_URL", text("queue_url"))
                        .env("DEAD_LETTER_QUEUE_URL", text("dead_letter_queue_url")),
                )
                .map_err(|e| anyhow!("{e} (the local runner's log: {})", log.display()))
            };
            // The deploy workflow's smoke test first, while the DLQ is empty, as after a deploy.
            end_to_end("a_deployed_stack_stores_a_posted_book")?;
            end_to_end("posted_books_are_stored_once_and_poison_is_dead_lettered")?;
            logged_with_request_id(&log, "book queued")?;
            // Last: the books it posts would change what the test above counts.
            fuzz::api_as_documented(tools, &runner.api_url, &tokens[0].1, fuzz::API_EXAMPLES_IN_TEST)
        },
    );
    let destroy =
        stage("terraform destroy", "destroy what the apply created, and check nothing is left", || {
            terraform.destroy(endpoint)?;
            left_behind(endpoint)
        });
    end_to_end.and(destroy)?;
    chaos::fault_run(tools, endpoint, FAULT_RUN_BOOKS)
}

fn left_behind(endpoint: &str) -> Result {
    let mut check = std::process::Command::new(emulator::venv_python());
    run_command(emulator_env(&mut check, endpoint).args(["-c", LEFT_BEHIND]))
}

/// The runner logs as Lambda does: `message` is on a JSON line that carries its invocation's
/// request id (the runtime's span), as chapter 06 says.
fn logged_with_request_id(log: &Path, message: &str) -> Result {
    let text = std::fs::read_to_string(log).map_err(|e| anyhow!("cannot read {}: {e}", log.display()))?;
    let found = text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["fields"]["message"] == message)
        .with_context(|| format!("the local runner logged no JSON line {message:?} ({})", log.display()))?;
    // Lambda's log-level filter reads `level`, and takes it only from a line whose `timestamp`
    // is RFC 3339 (such as 2026-12-02T01:38:49.756449Z); without one, every line is INFO.
    let timestamp = found["timestamp"].as_str().unwrap_or_default();
    let rfc3339 = timestamp.len() >= 20 && timestamp.as_bytes()[10] == b'T' && timestamp.ends_with('Z');
    if found["level"] != "INFO" || !rfc3339 {
        return Err(anyhow!("the runner's {message:?} line has no level or no RFC 3339 timestamp: {found}"));
    }
    match found["span"]["requestId"].as_str() {
        Some(id) if !id.is_empty() => {
            println!("    the runner logs JSON with level, timestamp and request id: {found}");
            Ok(())
        }
        _ => Err(anyhow!("the runner's {message:?} line has no span.requestId: {found}")),
    }
}

/// The producer's answers to a table of requests, which the OpenAPI document must describe.
const HTTP_ANSWERS: &str = "final/tests/snapshots/snapshots__http_answers.snap";

/// Books in the fault run of every test (`cargo xtask chaos` posts 10,000).
const FAULT_RUN_BOOKS: usize = 600;

/// The steps whose learner's check the workshop stage runs end to end.
const WORKSHOP_STEPS: [&str; 6] = ["01", "02", "03", "04", "05", "06"];

/// Every module under `terraform/modules/`.
fn terraform_modules(root: &Path, tools: &setup::Tools) -> Vec<Terraform> {
    let data = root.join("target").join("terraform-validate");
    let mut modules: Vec<PathBuf> = std::fs::read_dir(root.join("terraform").join("modules"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|module| module.path())
        .filter(|dir| dir.is_dir())
        .collect();
    modules.sort();
    modules
        .into_iter()
        .map(|dir| {
            let name = format!("module-{}", dir.file_name().unwrap_or_default().to_string_lossy());
            Terraform::new(dir, data.join(name), tools)
        })
        .collect()
}

/// `terraform/`, `terraform/bootstrap/` and the root of every step, each with its own data directory.
fn terraform_roots(root: &Path, tools: &setup::Tools) -> Vec<Terraform> {
    let data = root.join("target").join("terraform-validate");
    let steps: Vec<PathBuf> = std::fs::read_dir(root.join("steps"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|step| step.path().join("terraform"))
        .filter(|dir| dir.is_dir())
        .collect();
    [root.join("terraform"), root.join("terraform").join("bootstrap")]
        .into_iter()
        .chain(steps)
        .map(|dir| {
            let name = dir.strip_prefix(root).unwrap_or(&dir).to_string_lossy().replace(['/', '\\'], "-");
            Terraform::new(dir, data.join(&name), tools)
        })
        .collect()
}

/// Lists what a destroy must have removed from the emulator (boto3 comes with moto) and fails
/// if anything is left. The tests' own queues and tables are named `test-…` and `poller-…`.
const LEFT_BEHIND: &str = include_str!("../python/left_behind.py");
