//! The local stack: the emulator, the Terraform root applied to it, and the local runner.
//!
//! Emulator runs are kept apart from real ones: dummy credentials, no profile, and their own
//! Terraform data and state under `target/emulator/`, fresh on every run (the emulator keeps
//! nothing between runs, and moto cannot update an API Gateway stage in place).

use anyhow::{Context, anyhow};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use emulator::Emulator;
use serde_json::Value;

use crate::package::{self, Functions};
use crate::progress::{Result, cargo, output, run_command, stage};
use crate::setup::{self, Tools};

/// Options of `cargo xtask local`, documented in the README.
pub struct Ports {
    pub api: u16,
    pub emulator: u16,
    /// A workshop step ("01" …) instead of the final system.
    pub step: Option<String>,
}

impl Default for Ports {
    fn default() -> Self {
        Ports { api: 3000, emulator: 4566, step: None }
    }
}

/// Gives a command the environment of an emulator run.
pub fn emulator_env<'c>(command: &'c mut Command, endpoint: &str) -> &'c mut Command {
    for name in emulator::REAL_AWS_ENV {
        command.env_remove(name);
    }
    command.envs(emulator_vars(endpoint))
}

/// The dummy credentials, region and endpoint that point an AWS SDK at the emulator.
fn emulator_vars(endpoint: &str) -> impl Iterator<Item = (&'static str, &str)> {
    emulator::DUMMY_AWS_ENV.into_iter().chain([("AWS_ENDPOINT_URL", endpoint)])
}

pub fn start_emulator(port: u16) -> Result<Emulator> {
    stage("emulator", &format!("start the AWS emulator (moto) on 127.0.0.1:{port}"), || {
        Ok(Emulator::start(port)?)
    })
}

/// The emulator on whichever port is free, for runs nobody connects to by hand.
pub fn start_emulator_on_a_free_port() -> Result<Emulator> {
    stage("emulator", "start the AWS emulator (moto) on a free port", || {
        let emulator = Emulator::start_on_a_free_port()?;
        println!("    at {}", emulator.endpoint());
        Ok(emulator)
    })
}

/// `terraform`, with xtask's CLI configuration and no prompts.
pub fn terraform(rc: &Path) -> Command {
    let mut command = Command::new("terraform");
    command
        .env("TF_CLI_CONFIG_FILE", rc)
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .env("CHECKPOINT_DISABLE", "1");
    // Colour codes only for a person at a terminal: in CI's log or a file they are noise.
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        for subcommand in ["init", "validate", "plan", "apply", "destroy", "output"] {
            command.env(format!("TF_CLI_ARGS_{subcommand}"), "-no-color");
        }
    }
    command
}

/// One Terraform root, run with xtask's CLI configuration and its own data directory.
pub struct Terraform {
    pub dir: PathBuf,
    data_dir: PathBuf,
    rc: PathBuf,
    /// The packages manifest to plan, apply and destroy with, when not the root's default.
    packages: Option<PathBuf>,
}

impl Terraform {
    pub fn new(dir: PathBuf, data_dir: PathBuf, tools: &Tools) -> Self {
        Terraform { dir, data_dir, rc: tools.terraform_rc.clone(), packages: None }
    }

    /// The same root, run with the packages of `manifest` (`packages_manifest`).
    pub fn with_packages(self, manifest: PathBuf) -> Self {
        Terraform { packages: Some(manifest), ..self }
    }

    /// `-var-file=emulator.tfvars`, then the packages manifest when one is set.
    fn emulator_vars(&self) -> Vec<String> {
        let packages =
            self.packages.iter().map(|manifest| format!("-var=packages_manifest={}", manifest.display()));
        std::iter::once("-var-file=emulator.tfvars".to_owned()).chain(packages).collect()
    }

    pub fn command(&self) -> Command {
        let mut command = terraform(&self.rc);
        command.arg(format!("-chdir={}", self.dir.display())).env("TF_DATA_DIR", &self.data_dir);
        command
    }

    /// Beside the data directory, not in it: Terraform keeps its backend settings in
    /// `<data dir>/terraform.tfstate`.
    fn state(&self) -> PathBuf {
        self.data_dir.with_extension("tfstate")
    }

    /// `init` and `validate`, with no backend and no AWS access.
    pub fn validate(&self) -> Result {
        run_command(self.command().args(["init", "-backend=false", "-input=false"]).stdout(Stdio::null()))?;
        run_command(self.command().arg("validate"))
    }

    /// `init` and `terraform test`: the `tests/*.tftest.hcl` files, with mocked providers.
    pub fn test(&self) -> Result {
        run_command(self.command().args(["init", "-backend=false", "-input=false"]).stdout(Stdio::null()))?;
        run_command(self.command().args(["test", "-no-color"]))
    }

    /// `init` for the emulator, from an empty state kept under `target/emulator/`.
    fn init_fresh(&self, endpoint: &str) -> Result {
        let _ = std::fs::remove_file(self.state());
        let _ = std::fs::remove_dir_all(&self.data_dir);
        let backend = format!("-backend-config=path={}", self.state().display());
        run_command(
            emulator_env(&mut self.command(), endpoint)
                .args(["init", "-input=false", "-reconfigure", &backend])
                .stdout(Stdio::null()),
        )
    }

    /// Plans the root against the emulator from an empty state, with `emulator.tfvars`.
    pub fn plan_fresh(&self, endpoint: &str) -> Result {
        self.init_fresh(endpoint)?;
        run_command(
            emulator_env(&mut self.command(), endpoint)
                .args(["plan", "-input=false", "-compact-warnings"])
                .args(self.emulator_vars())
                .stdout(Stdio::null()),
        )
    }

    /// Applies the root to the emulator from an empty state, with `emulator.tfvars` and then
    /// `vars` (`name=value`), and returns its outputs.
    pub fn apply_fresh(&self, endpoint: &str, vars: &[&str]) -> Result<BTreeMap<String, Value>> {
        self.init_fresh(endpoint)?;
        run_command(
            emulator_env(&mut self.command(), endpoint)
                .args(["apply", "-auto-approve", "-input=false", "-compact-warnings"])
                .args(self.emulator_vars())
                .args(vars.iter().flat_map(|var| ["-var", var])),
        )?;
        self.outputs()
    }

    /// The outputs of what is applied now (read from the state: nothing is asked of AWS).
    pub fn outputs(&self) -> Result<BTreeMap<String, Value>> {
        let json = output(self.command().args(["output", "-json"]))?;
        let outputs: BTreeMap<String, Value> =
            serde_json::from_str(&json).map_err(|e| anyhow!("terraform output is not JSON: {e}"))?;
        Ok(outputs.into_iter().map(|(name, output)| (name, output["value"].clone())).collect())
    }

    pub fn destroy(&self, endpoint: &str) -> Result {
        run_command(
            emulator_env(&mut self.command(), endpoint)
                .args(["destroy", "-auto-approve", "-input=false", "-compact-warnings"])
                .args(self.emulator_vars()),
        )
    }
}

/// The Terraform root that deploys `final/`, set up for the emulator.
pub fn final_root(tools: &Tools) -> Terraform {
    final_root_with(tools.terraform_rc.clone())
}

fn final_root_with(rc: PathBuf) -> Terraform {
    let root = emulator::repo_root();
    Terraform {
        dir: root.join("terraform"),
        data_dir: emulator::data_dir().join("terraform").join("final"),
        rc,
        packages: None,
    }
}

/// The root a person applies once per account before the deploy pipeline's first run.
pub fn bootstrap_root(tools: &Tools) -> Terraform {
    let root = emulator::repo_root();
    Terraform::new(
        root.join("terraform").join("bootstrap"),
        emulator::data_dir().join("terraform").join("bootstrap"),
        tools,
    )
}

/// The workshop steps, in order: `steps/01-dynamodb` …
pub fn steps() -> Vec<PathBuf> {
    let mut steps: Vec<PathBuf> = std::fs::read_dir(emulator::repo_root().join("steps"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .collect();
    steps.sort();
    steps
}

/// Every file under `dir` a person writes (sources, tests, snapshots, manifests, Terraform),
/// relative to it and sorted: no build output, no dotfiles (Terraform's working files), no
/// pending `.snap.new` snapshots.
pub fn files_of(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).map_err(|e| anyhow!("cannot read {}: {e}", next.display()))? {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name.starts_with('.') || name == "target" || name.ends_with(".snap.new") {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path.strip_prefix(dir)?.to_path_buf());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The package name of a step directory: `steps/01-dynamodb` is `step01-dynamodb`; the
/// learner's working copy is `workshop`.
pub fn step_package(dir: &Path) -> String {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    if name == crate::workshop::WORKSHOP { name.into_owned() } else { format!("step{name}") }
}

/// The Terraform root of a step, set up for the emulator.
pub fn step_root(dir: &Path, tools: &Tools) -> Terraform {
    Terraform::new(
        dir.join("terraform"),
        emulator::data_dir().join("terraform").join(step_package(dir)),
        tools,
    )
}

/// The directory of step `NN` (`steps/NN-*`), or the learner's `workshop/`.
pub fn find_step(step: &str) -> Result<PathBuf> {
    if step == crate::workshop::WORKSHOP {
        return Ok(emulator::repo_root().join(step));
    }
    steps()
        .into_iter()
        .find(|dir| {
            dir.file_name().is_some_and(|name| name.to_string_lossy().starts_with(&format!("{step}-")))
        })
        .with_context(|| {
            let numbers: Vec<String> = steps()
                .iter()
                .map(|dir| dir.file_name().unwrap_or_default().to_string_lossy().chars().take(2).collect())
                .collect();
            format!("there is no step {step}: the steps are {}", numbers.join(", "))
        })
}

/// `cargo xtask local --step NN`: the emulator, what the step's Terraform creates, and from
/// step 04 on the step's functions in the local runner.
fn run_local_step(ports: &Ports, step: &str) -> Result {
    let dir = find_step(step)?;
    let functions = Functions::of_step(&dir);
    if functions.is_some() && !emulator::port_is_free(ports.api) {
        return Err(anyhow!(
            "port {} is already in use: stop what holds it or pick another with `--api-port`",
            ports.api
        ));
    }
    let tools = setup::run()?;
    let emulator = start_emulator(ports.emulator)?;
    let endpoint = emulator.endpoint().to_owned();
    let mut terraform = step_root(&dir, &tools);
    if let Some(functions) = &functions {
        terraform = terraform.with_packages(package::existing_or_placeholder(functions)?);
    }
    let outputs = stage(
        "apply",
        &format!("terraform apply of {} against the emulator", terraform.dir.display()),
        || terraform.apply_fresh(&endpoint, &[]),
    )?;
    let runner = match &functions {
        Some(functions) => {
            Some(stage("runner", &format!("build and start {}", functions.bin("local")), || {
                start_runner(functions, &endpoint, &outputs, ports.api, None)
            })?)
        }
        None => None,
    };
    println!(
        "\nStep {step} is running locally. The AWS emulator at {endpoint} holds what its Terraform created:"
    );
    for (name, value) in &outputs {
        // The emulator's API URL answers nothing: the local runner stands in for API Gateway.
        if !(runner.is_some() && name == "api_url") {
            println!("  {name}: {value}");
        }
    }
    if let Some(runner) = &runner {
        println!("The step's functions run in the local runner at {}.", runner.api_url);
        let env_file = write_functions_env(&endpoint, &outputs)?;
        println!(
            "Their environment, for `cargo lambda watch --env-file`, is in {}.",
            env_file.strip_prefix(emulator::repo_root()).unwrap_or(&env_file).display()
        );
    }
    let try_it = dir.join("try-it.txt");
    if let Ok(text) = std::fs::read_to_string(&try_it) {
        println!(
            "\nTry it (from {}, with the ports of this run):\n{}",
            try_it.display(),
            with_ports(&text, ports)
        );
    }
    println!("Press Ctrl-C to stop everything (what was applied is destroyed first).");
    until_stopped_then_destroy(runner, &terraform, &endpoint)
}

/// Where `cargo xtask local --step` writes the functions' environment.
pub const FUNCTIONS_ENV: &str = "target/emulator/functions.env";

/// Writes the environment the step's functions get on Lambda, pointed at the emulator, as
/// `KEY=VALUE` lines: what `cargo lambda watch --env-file` reads to run the real binaries.
fn write_functions_env(endpoint: &str, outputs: &BTreeMap<String, Value>) -> Result<PathBuf> {
    let mut env: BTreeMap<String, String> =
        emulator_vars(endpoint).map(|(name, value)| (name.to_owned(), value.to_owned())).collect();
    env.extend(runner_env(outputs)?);
    let path = emulator::repo_root().join(FUNCTIONS_ENV);
    let text: String = env.iter().map(|(name, value)| format!("{name}={value}\n")).collect();
    std::fs::create_dir_all(path.parent().expect("a parent"))?;
    std::fs::write(&path, text).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// A `try-it.txt`, which names the default ports, with the ports of this run.
fn with_ports(text: &str, ports: &Ports) -> String {
    let defaults = Ports::default();
    [("localhost", defaults.emulator, ports.emulator), ("localhost", defaults.api, ports.api)]
        .iter()
        .flat_map(|(host, from, to)| {
            [
                (format!("{host}:{from}"), format!("{host}:{to}")),
                (format!("127.0.0.1:{from}"), format!("127.0.0.1:{to}")),
            ]
        })
        .fold(text.to_owned(), |text, (from, to)| text.replace(&from, &to))
}

/// Waits for Ctrl-C or SIGTERM, or for the runner to stop, then destroys what was applied:
/// the emulator, in its own process group, is still up for it.
fn until_stopped_then_destroy(runner: Option<Runner>, terraform: &Terraform, endpoint: &str) -> Result {
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .map_err(|e| anyhow!("could not handle Ctrl-C: {e}"))?;
    let failure = match runner {
        // The runner, in the terminal's process group, gets the same Ctrl-C; dropping it kills
        // it in case it did not.
        Some(mut runner) => loop {
            if let Some(status) = runner.child.try_wait()? {
                break (!status.success()).then(|| format!("the local runner stopped: {status}"));
            }
            if stopped.recv_timeout(Duration::from_millis(200)).is_ok() {
                break None;
            }
        },
        None => {
            let _ = stopped.recv();
            None
        }
    };
    stage("destroy", &format!("terraform destroy of {} in the emulator", terraform.dir.display()), || {
        terraform.destroy(endpoint)
    })?;
    failure.map_or(Ok(()), |failure| Err(anyhow!(failure)))
}

/// A local HTTP server (the runner of `final/` or of a step, or the benchmark's baseline),
/// stopped when dropped.
pub struct Runner {
    child: Child,
    pub api_url: String,
}

impl Runner {
    /// Starts `command`, which serves HTTP on `api_port`, and waits until it listens.
    pub fn start(command: &mut Command, api_port: u16) -> Result<Runner> {
        let child =
            command.spawn().map_err(|e| anyhow!("could not start {:?}: {e}", command.get_program()))?;
        let runner = Runner { child, api_url: format!("http://127.0.0.1:{api_port}") };
        if emulator::wait_for_port(api_port, Duration::from_secs(30)) {
            Ok(runner)
        } else {
            Err(anyhow!("{:?} did not listen on port {api_port} within 30 s", command.get_program()))
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a local runner reads from the applied outputs: its queue, its table, and the settings
/// of the functions and the event source mapping (`local_runner_settings`).
pub fn runner_env(outputs: &BTreeMap<String, Value>) -> Result<BTreeMap<String, String>> {
    let text = |name: &str| {
        outputs
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .with_context(|| format!("no output {name}"))
    };
    let mut env = BTreeMap::from([
        ("QUEUE_URL".to_owned(), text("queue_url")?),
        ("TABLE_NAME".to_owned(), text("table_name")?),
        // What Lambda sets for every function the lambdas module deploys (its logging_config):
        // the runtime's subscriber then writes JSON lines, as on Lambda.
        ("AWS_LAMBDA_LOG_FORMAT".to_owned(), "JSON".to_owned()),
        ("AWS_LAMBDA_LOG_LEVEL".to_owned(), "INFO".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION".to_owned(), "$LATEST".to_owned()),
    ]);
    // From the final system on: the producer's idempotency records.
    if let Some(table) = outputs.get("idempotency_table_name").and_then(Value::as_str) {
        env.insert("IDEMPOTENCY_TABLE_NAME".to_owned(), table.to_owned());
    }
    for (name, value) in outputs.get("local_runner_settings").and_then(Value::as_object).into_iter().flatten()
    {
        let value = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        env.insert(name.clone(), value);
    }
    // An API behind a JWT authorizer: the front checks tokens of the local issuer in its place.
    if env.get("LOCAL_JWT_AUTHORIZER").is_some_and(|settings| settings != "null") {
        env.insert("LOCAL_ISSUER_KEY".to_owned(), local_issuer_key().display().to_string());
    } else {
        env.remove("LOCAL_JWT_AUTHORIZER");
    }
    Ok(env)
}

/// The local issuer's key: the local runner's front trusts it, [`token`] signs with it.
fn local_issuer_key() -> PathBuf {
    emulator::repo_root().join("target").join("local-issuer").join("private-key.pem")
}

/// The API's JWT authorizer as the local runner applies it (`LOCAL_JWT_AUTHORIZER` in
/// `local_runner_settings`), read once from the outputs: what its tokens are signed with, and
/// the scopes each route asks for.
struct LocalAuthorizer {
    runner_env: BTreeMap<String, String>,
    route_scopes: BTreeMap<String, Vec<String>>,
}

impl LocalAuthorizer {
    fn of(outputs: &BTreeMap<String, Value>) -> Result<Self> {
        let runner_env = runner_env(outputs)?;
        let settings = runner_env.get("LOCAL_JWT_AUTHORIZER").context(
            "this API has no JWT authorizer (local_runner_settings names none), so it needs no token",
        )?;
        let settings: Value = serde_json::from_str(settings)?;
        let route_scopes = serde_json::from_value(settings["route_scopes"].clone())
            .context("LOCAL_JWT_AUTHORIZER names no route_scopes")?;
        Ok(LocalAuthorizer { runner_env, route_scopes })
    }

    /// The scopes a route (`GET /books/{id}`) asks for.
    fn scopes_of(&self, route: &str) -> Result<&[String]> {
        self.route_scopes.get(route).map(Vec::as_slice).with_context(|| format!("no route {route}"))
    }

    /// An access token the front accepts, for `subject`, holding `scopes` (every scope the
    /// routes ask for, when empty), valid for `minutes`. `lambda-local` signs it
    /// (`local-token`): xtask itself stays free of crypto.
    fn token(&self, subject: &str, scopes: &[String], minutes: u32) -> Result<String> {
        let every_scope: BTreeSet<&String> = self.route_scopes.values().flatten().collect();
        let scopes: Vec<&String> =
            if scopes.is_empty() { every_scope.into_iter().collect() } else { scopes.iter().collect() };
        let token = output(
            Command::new(local_token_bin()?)
                .envs(&self.runner_env)
                .arg(subject)
                .arg(minutes.to_string())
                .args(scopes),
        )?;
        Ok(token.trim().to_owned())
    }
}

/// `lambda-local`'s `local-token`, built once per run of xtask.
fn local_token_bin() -> Result<PathBuf> {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    if let Some(bin) = BUILT.get() {
        return Ok(bin.clone());
    }
    let root = emulator::repo_root();
    run_command(cargo(root).args(["build", "--quiet", "--package", "lambda-local", "--bin", "local-token"]))?;
    let bin = root.join("target").join("debug").join(format!("local-token{}", std::env::consts::EXE_SUFFIX));
    Ok(BUILT.get_or_init(|| bin).clone())
}

/// What a client of the local stack sends: `BOOKS_API_TOKEN` (every scope) and
/// `BOOKS_API_READ_TOKEN` (what `GET /books/{id}` asks, alone), valid for a long run.
pub fn client_tokens(outputs: &BTreeMap<String, Value>) -> Result<[(&'static str, String); 2]> {
    let authorizer = LocalAuthorizer::of(outputs)?;
    let read = authorizer.scopes_of("GET /books/{id}")?;
    Ok([
        ("BOOKS_API_TOKEN", authorizer.token("test-client", &[], 240)?),
        ("BOOKS_API_READ_TOKEN", authorizer.token("test-reader", read, 240)?),
    ])
}

/// `cargo xtask token`: a token for the local stack that `cargo xtask local` applied, alone on
/// stdout, so that `TOKEN=$(cargo xtask token)` keeps it. (No setup: `cargo xtask local`
/// did it, and reading outputs asks nothing of the provider.)
pub fn print_token(subject: &str, scopes: &[String], minutes: u32) -> Result {
    let root = final_root_with(setup::terraform_rc_path(emulator::repo_root()));
    let no_stack =
        || anyhow!("no local stack is applied: start `cargo xtask local` (in another terminal) first");
    // Without a state, `terraform output` would complain of an uninitialized backend instead.
    let outputs = if root.state().exists() { root.outputs()? } else { BTreeMap::new() };
    if outputs.is_empty() {
        return Err(no_stack());
    }
    println!("{}", LocalAuthorizer::of(&outputs)?.token(subject, scopes, minutes)?);
    Ok(())
}

/// Builds and starts `final/`'s local runner, wired to the applied outputs, and waits until
/// its API answers. With a `log`, its output goes there instead of the terminal.
pub fn start_runner(
    functions: &Functions,
    endpoint: &str,
    outputs: &BTreeMap<String, Value>,
    api_port: u16,
    log: Option<&Path>,
) -> Result<Runner> {
    let root = emulator::repo_root();
    let bin = functions.bin("local");
    run_command(cargo(root).args(["build", "--quiet", "--package", &functions.package, "--bin", &bin]))?;
    let mut command = Command::new(
        root.join("target").join("debug").join(format!("{bin}{}", std::env::consts::EXE_SUFFIX)),
    );
    emulator_env(&mut command, endpoint)
        .envs(runner_env(outputs)?)
        .env("LOCAL_API_PORT", api_port.to_string());
    if let Some(log) = log {
        let file = File::create(log).map_err(|e| anyhow!("could not create {}: {e}", log.display()))?;
        let errors = file.try_clone()?;
        command.stdout(file).stderr(errors);
    }
    Runner::start(&mut command, api_port)
}

/// `cargo xtask local`.
pub fn run_local(ports: Ports) -> Result {
    if let Some(step) = &ports.step {
        return run_local_step(&ports, step);
    }
    if !emulator::port_is_free(ports.api) {
        return Err(anyhow!(
            "port {} is already in use: stop what holds it or pick another with `--api-port`",
            ports.api
        ));
    }
    let tools = setup::run()?;
    let emulator = start_emulator(ports.emulator)?;
    let endpoint = emulator.endpoint().to_owned();
    let functions = Functions::final_system();
    let terraform = final_root(&tools).with_packages(package::existing_or_placeholder(&functions)?);
    let outputs = stage("apply", "terraform apply of terraform/ against the emulator (fresh state)", || {
        terraform.apply_fresh(&endpoint, &[])
    })?;
    let runner = stage("runner", "build and start the local runner of final/ (API + queue poller)", || {
        start_runner(&functions, &endpoint, &outputs, ports.api, None)
    })?;
    let table = outputs.get("table_name").and_then(Value::as_str).unwrap_or_default();
    println!(
        "\nThe system is running locally.\n\
         \x20 API:       {api}\n\
         \x20 emulator:  {endpoint}  (AWS_ENDPOINT_URL for the AWS CLI or SDKs, with any dummy credentials)\n\
         \x20 table:     {table}\n\n\
         Try it (the API takes a token, as on AWS; this one holds both scopes for an hour):\n\
         \x20 TOKEN=$(cargo xtask token)\n\
         \x20 curl -i -X POST {api}/books -H \"authorization: Bearer $TOKEN\" -H 'content-type: application/json' -d '{{\"title\":\"Dune\",\"author\":\"Frank Herbert\"}}'\n\
         \x20 curl -i {api}/books/<id from the answer> -H \"authorization: Bearer $TOKEN\"\n\n\
         Press Ctrl-C to stop everything (what was applied is destroyed first).",
        api = runner.api_url,
    );
    until_stopped_then_destroy(Some(runner), &terraform, &endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_it_names_the_ports_of_the_run() {
        let ports = Ports { api: 3101, emulator: 4601, step: None };
        let text = "curl localhost:3000/books\nAWS_ENDPOINT_URL=http://localhost:4566 x\nhttp://127.0.0.1:4566/moto-api/";
        assert_eq!(
            with_ports(text, &ports),
            "curl localhost:3101/books\nAWS_ENDPOINT_URL=http://localhost:4601 x\nhttp://127.0.0.1:4601/moto-api/"
        );
    }
}
