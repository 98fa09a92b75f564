//! `cargo xtask bench`: the numbers behind "fast" and "scalable", measured on this machine
//! and written into the book's performance page (`book/src/performance.md`).
//!
//! Each figure is a median over repeated runs taken in turns, next to a baseline measured in
//! the same run: a hello-world function, a naive consumer, a front that queues nothing, the
//! final crate built alone. It reports; it does not fail on slow numbers (only on broken
//! ones, such as a function that does not answer or a book not stored). The measuring that
//! needs the SDK or the Lambda Runtime API is `final/examples/bench.rs`; this module builds,
//! starts and times everything around it.

use anyhow::{Context, anyhow};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::package::{self, Arch, Functions};
use crate::progress::{Result, cargo, output, run_command, stage};
use crate::setup::{self, Tools};
use crate::stack::{self, emulator_env};

/// How much to measure.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Cold starts of each function (the issue asks for at least 7).
    cold_starts: usize,
    /// Books queued for each consumer, and how many times each drains them.
    queued_books: usize,
    drains: usize,
    /// Load-test rounds per API, each this long, at [`CLIENTS`] concurrent clients.
    load_rounds: usize,
    load_seconds: u32,
    /// Cold builds of each kind, and edit-then-test loops.
    cold_builds: usize,
    edit_loops: usize,
    /// Where the page goes, from the repository root.
    page: &'static str,
}

impl Plan {
    /// What `cargo xtask bench` measures for the book.
    pub const FULL: Plan = Plan {
        cold_starts: 7,
        queued_books: 5_000,
        drains: 3,
        load_rounds: 3,
        load_seconds: 10,
        cold_builds: 2,
        edit_loops: 5,
        page: "book/src/performance.md",
    };
    /// `cargo xtask bench --quick`: every part once, small, to see that it all runs; no cold
    /// builds, and its page stays out of the book.
    pub const QUICK: Plan = Plan {
        cold_starts: 1,
        queued_books: 200,
        drains: 1,
        load_rounds: 1,
        load_seconds: 2,
        cold_builds: 0,
        edit_loops: 1,
        page: "target/bench/performance-quick.md",
    };
}

const CLIENTS: u32 = 16;
/// The files the edit loop touches, and the steps whose tests it runs: the first chapter's
/// exercise and the last, largest one.
const EDITS: [(&str, &str); 2] = [
    ("steps/01-dynamodb/src/book.rs", "step01-dynamodb"),
    ("steps/06-cloudwatch/src/consumer.rs", "step06-cloudwatch"),
];
/// Where Linux distributions keep their bundle of CA certificates. The functions' HTTPS client
/// reads the bundle and every file of the certificate directory at init. Amazon Linux 2023,
/// which Lambda's `provided.al2023` runtime runs, keeps only bundles there; Debian keeps every
/// certificate as a file of its own as well, which doubles the work. The cold-init
/// figures with a target are measured as on Lambda: the bundle, and an empty directory.
const CA_BUNDLES: [&str; 3] =
    ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];
/// Warm invocations after each cold start.
const WARM_INVOCATIONS: usize = 20;

/// One line of the page's table: a measurement, its baseline, and the issue's target.
struct Row {
    what: String,
    measured: String,
    baseline: String,
    ratio: Option<f64>,
    target: &'static str,
    met: Option<bool>,
}

/// `cargo xtask bench`.
pub fn run(plan: Plan) -> Result {
    let Plan {
        cold_starts, queued_books, drains, load_rounds, load_seconds, cold_builds, edit_loops, ..
    } = plan;
    let started = Instant::now();
    // The functions' own binaries run here, so they are built for this machine.
    let (arch, triple) = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => (Arch::X86_64, "x86_64-unknown-linux-gnu"),
        ("linux", "aarch64") => (Arch::Arm64, "aarch64-unknown-linux-gnu"),
        (os, cpu) => {
            return Err(anyhow!(
                "cargo xtask bench runs the Lambda binaries themselves, so it needs Linux on x86_64 or arm64, not {os} on {cpu}"
            ));
        }
    };
    let tools = setup::run()?;
    let oha = setup::install_bench_tools()?.join("oha");
    let emulator = stack::start_emulator_on_a_free_port()?;
    let endpoint = emulator.endpoint().to_owned();
    let root = emulator::repo_root();
    let out = root.join("target").join("bench");
    std::fs::create_dir_all(&out)?;

    package::build(&tools, arch, &Functions::final_system())?;
    stage("package", "cargo lambda build: the hello-world baseline, same release profile", || {
        run_command(package::cargo_lambda(&tools, arch)?.args([
            "--package",
            "books",
            "--example",
            "hello_lambda",
        ]))
    })?;
    stage("harness", "build final/examples/bench.rs", || {
        run_command(cargo(root).args(["build", "--quiet", "--package", "books", "--example", "bench"]))
    })?;
    let harness = root.join("target").join("debug").join("examples").join("bench");

    let mut rows = Vec::new();
    rows.extend(zip_sizes()?);
    let init = stage(
        "cold init",
        &format!("{cold_starts} cold starts of each function under a Runtime API host"),
        || {
            let release = root.join("target").join(triple).join("release");
            let functions = [
                format!("hello={}", release.join("examples").join("hello_lambda").display()),
                format!("producer={}", release.join("producer").display()),
                format!("consumer={}", release.join("consumer").display()),
            ];
            let mut cold_init = Command::new(&harness);
            emulator_env(&mut cold_init, &endpoint)
                .args(["cold-init", &cold_starts.to_string(), &WARM_INVOCATIONS.to_string()])
                .args(functions);
            let machine_layout = harness_json(&mut cold_init)?;
            let empty = out.join("no-certificate-files");
            std::fs::create_dir_all(&empty)?;
            let lambda_layout = match CA_BUNDLES.iter().find(|bundle| Path::new(bundle).is_file()) {
                Some(bundle) => {
                    harness_json(cold_init.env("SSL_CERT_FILE", bundle).env("SSL_CERT_DIR", &empty))?
                }
                None => machine_layout.clone(),
            };
            Ok(serde_json::json!({ "lambda_layout": lambda_layout, "machine_layout": machine_layout }))
        },
    )?;
    rows.extend(cold_init_rows(&init["lambda_layout"])?);
    rows.extend(cold_init_rows(&init["machine_layout"])?.into_iter().take(2).map(|mut row| {
        row.what.push_str(", with this machine's certificate files");
        row.target = "—";
        row.met = None;
        row
    }));
    let consumers = stage(
        "consumer",
        &format!("{queued_books} queued books drained by each consumer, {drains} times"),
        || {
            harness_json(emulator_env(&mut Command::new(&harness), &endpoint).args([
                "consumer",
                &queued_books.to_string(),
                &drains.to_string(),
            ]))
        },
    )?;
    rows.extend(consumer_rows(&consumers)?);
    let api = stage(
        "api",
        &format!("POST /books at {CLIENTS} clients, {load_rounds} × {load_seconds} s each, with oha"),
        || load_test(&tools, &oha, &harness, &endpoint, plan),
    )?;
    rows.extend(api_rows(&api)?);
    drop(emulator);
    let builds = stage(
        "build",
        &format!("{cold_builds} cold builds of each, then {edit_loops} edit-and-test loops"),
        || build_times(&out, plan),
    )?;
    rows.extend(build_rows(&builds, plan));

    let raw = serde_json::json!({ "cold_init": init, "consumer": consumers, "api": api, "build": builds });
    std::fs::write(out.join("results.json"), format!("{raw:#}\n"))?;
    let page = page(&machine()?, &rows, started.elapsed(), plan);
    std::fs::write(root.join(plan.page), page).map_err(|e| anyhow!("could not write {}: {e}", plan.page))?;
    println!("\n{} written (raw figures in target/bench/results.json).", plan.page);
    Ok(())
}

/// Runs the harness and reads the JSON on the last line of its output (the lines before it
/// are what the functions log).
fn harness_json(command: &mut Command) -> Result<Value> {
    let printed = output(command.stderr(Stdio::inherit()))?;
    let last = printed.lines().last().unwrap_or_default();
    serde_json::from_str(last).map_err(|e| anyhow!("the harness printed no result ({e}): {last:?}"))
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn numbers(value: &Value) -> Vec<f64> {
    value.as_array().into_iter().flatten().filter_map(Value::as_f64).collect()
}

fn zip_sizes() -> Result<Vec<Row>> {
    let mib = |path: PathBuf| -> Result<f64> {
        let bytes = std::fs::metadata(&path).map_err(|e| anyhow!("no {}: {e}", path.display()))?.len();
        Ok(bytes as f64 / (1024.0 * 1024.0))
    };
    let dir = package::lambda_dir();
    let hello = mib(dir.join("hello_lambda").join("bootstrap.zip"))?;
    ["producer", "consumer"]
        .into_iter()
        .map(|function| {
            let size = mib(dir.join(function).join("bootstrap.zip"))?;
            Ok(Row {
                what: format!("Zip size, {function}"),
                measured: format!("{size:.2} MiB"),
                baseline: format!("hello-world {hello:.2} MiB"),
                ratio: Some(size / hello),
                target: "≤ 3 MiB",
                met: Some(size <= 3.0),
            })
        })
        .collect()
}

fn cold_init_rows(init: &Value) -> Result<Vec<Row>> {
    let figure = |function: &str, key: &str| median(&numbers(&init[function][key]));
    let mut rows = Vec::new();
    for (key, label, target) in [
        ("init", "Cold init", "≤ 2× hello-world"),
        ("first", "First invocation", "—"),
        ("warm", "Warm invocation p50", "—"),
    ] {
        let hello = figure("hello", key);
        for function in ["producer", "consumer"] {
            let measured = figure(function, key);
            if measured.is_nan() || hello.is_nan() {
                return Err(anyhow!("no {key} timings for {function}"));
            }
            rows.push(Row {
                what: format!("{label}, {function}"),
                measured: format!("{measured:.1} ms"),
                baseline: format!("hello-world {hello:.1} ms"),
                ratio: Some(measured / hello),
                target,
                met: (key == "init").then_some(measured <= 2.0 * hello),
            });
        }
    }
    Ok(rows)
}

fn consumer_rows(consumers: &Value) -> Result<Vec<Row>> {
    let round_trip =
        consumers["round_trip_ms"].as_f64().context("the consumer benchmark returned no round trip")?;
    [
        ("records_per_second", "Consumer, records/s drained (poller included)".to_owned(), true),
        ("handler_records_per_second", "Consumer, records/s inside the handler, on moto".to_owned(), false),
        (
            "round_trip_records_per_second",
            format!("Consumer, records/s inside the handler, {round_trip} ms per DynamoDB call"),
            true,
        ),
        ("write_calls_per_record", "Consumer, DynamoDB write calls per record".to_owned(), false),
    ]
    .into_iter()
    .map(|(key, what, targeted)| {
        let (real, naive) =
            (median(&numbers(&consumers["real"][key])), median(&numbers(&consumers["naive"][key])));
        if real.is_nan() || naive.is_nan() {
            return Err(anyhow!("the consumer benchmark returned no {key}"));
        }
        let per_second = key.ends_with("per_second");
        let show = |value: f64| if per_second { format!("{value:.0}/s") } else { format!("{value:.3}") };
        Ok(Row {
            what,
            measured: show(real),
            baseline: format!("naive {}", show(naive)),
            ratio: Some(real / naive),
            target: if targeted { "≥ 5× naive" } else { "—" },
            met: targeted.then_some(real >= 5.0 * naive),
        })
    })
    .collect()
}

/// Applies `terraform/`, starts the local runner and the harness's baseline front, and runs
/// oha against each in turns; returns oha's summaries per API.
fn load_test(tools: &Tools, oha: &Path, harness: &Path, endpoint: &str, plan: Plan) -> Result<Value> {
    let functions = Functions::final_system();
    let terraform = stack::final_root(tools);
    let outputs = terraform.apply_fresh(endpoint, &[])?;
    let log = emulator::data_dir().join("bench-runner.log");
    let result = (|| {
        let runner = stack::start_runner(&functions, endpoint, &outputs, emulator::free_port(), Some(&log))?;
        let baseline_port = emulator::free_port();
        let mut baseline = Command::new(harness);
        // Behind the same authorizer as the producer: the token is checked on both sides.
        baseline
            .args(["api-baseline", &baseline_port.to_string()])
            .envs(stack::runner_env(&outputs)?)
            .stdout(Stdio::null());
        let baseline = stack::Runner::start(&mut baseline, baseline_port)?;
        let [(_, token), _] = stack::client_tokens(&outputs)?;
        let mut results = serde_json::Map::new();
        for round in 0..plan.load_rounds {
            let mut apis = [("producer", runner.api_url.clone()), ("baseline", baseline.api_url.clone())];
            if round % 2 == 1 {
                apis.reverse();
            }
            for (name, url) in apis {
                let summary = oha_run(oha, &format!("{url}/books"), &token, plan.load_seconds)?;
                let list = results.entry(name).or_insert_with(|| Value::Array(Vec::new()));
                list.as_array_mut().expect("a list").push(summary);
            }
        }
        Ok(Value::Object(results))
    })();
    let destroyed = terraform.destroy(endpoint);
    result.and_then(|results| destroyed.map(|()| results))
}

/// One oha round, as a caller with `token`: requests/s, p50 and p99 in ms, and the answers by
/// status code.
fn oha_run(oha: &Path, url: &str, token: &str, seconds: u32) -> Result<Value> {
    let printed = output(
        Command::new(oha)
            .args(["--no-tui", "--output-format", "json", "-z", &format!("{seconds}s")])
            .args(["-c", &CLIENTS.to_string(), "-m", "POST", "-H", "content-type: application/json"])
            .args(["-H", &format!("authorization: Bearer {token}")])
            .args(["-d", r#"{"title":"The Left Hand of Darkness","author":"Ursula K. Le Guin","year":1969}"#])
            .arg(url),
    )?;
    let report: Value =
        serde_json::from_str(&printed).map_err(|e| anyhow!("oha printed no JSON report: {e}"))?;
    let seconds = |key: &str| report["latencyPercentiles"][key].as_f64().map(|s| s * 1000.0);
    Ok(serde_json::json!({
        "requests_per_second": report["summary"]["requestsPerSec"],
        "p50_ms": seconds("p50"),
        "p99_ms": seconds("p99"),
        "status_codes": report["statusCodeDistribution"],
    }))
}

fn api_rows(api: &Value) -> Result<Vec<Row>> {
    let figure = |name: &str, key: &str| {
        median(
            &api[name].as_array().into_iter().flatten().filter_map(|r| r[key].as_f64()).collect::<Vec<_>>(),
        )
    };
    for (name, rounds) in api.as_object().into_iter().flatten() {
        for round in rounds.as_array().into_iter().flatten() {
            let codes = round["status_codes"].as_object().cloned().unwrap_or_default();
            if codes.keys().any(|code| code != "202") {
                return Err(anyhow!("the {name} API answered other than 202: {codes:?}"));
            }
        }
    }
    let rows = [
        ("requests_per_second", "API, POST /books requests/s"),
        ("p50_ms", "API, p50 latency"),
        ("p99_ms", "API, p99 latency"),
    ]
    .into_iter()
    .map(|(key, what)| {
        let (producer, baseline) = (figure("producer", key), figure("baseline", key));
        let unit = if key == "requests_per_second" { "/s" } else { " ms" };
        Row {
            what: what.into(),
            measured: format!("{producer:.1}{unit}"),
            baseline: format!("no-queue front {baseline:.1}{unit}"),
            ratio: Some(producer / baseline),
            target: "—",
            met: None,
        }
    })
    .collect();
    Ok(rows)
}

/// Cold builds, each in a fresh target directory (final alone, then the workspace, in turns),
/// and the edit loop in the usual target directory.
fn build_times(out: &Path, plan: Plan) -> Result<Value> {
    let root = emulator::repo_root();
    let timed = |command: &mut Command| -> Result<f64> {
        let started = Instant::now();
        run_command(command.stdout(Stdio::null()))?;
        Ok(started.elapsed().as_secs_f64())
    };
    let mut results: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for round in 0..plan.cold_builds {
        let mut kinds = [
            ("final", vec!["build", "--quiet", "--package", "books"]),
            ("workspace", vec!["build", "--quiet", "--workspace"]),
        ];
        if round % 2 == 1 {
            kinds.reverse();
        }
        for (kind, args) in kinds {
            let target = out.join(format!("cold-{kind}"));
            let _ = std::fs::remove_dir_all(&target);
            println!("    cold `cargo {}` …", args.join(" "));
            let seconds = timed(cargo(root).args(&args).env("CARGO_TARGET_DIR", &target))?;
            println!("    {seconds:.1} s");
            results.entry(kind).or_default().push(seconds);
            let _ = std::fs::remove_dir_all(&target);
        }
    }
    let emulator = stack::start_emulator_on_a_free_port()?;
    let test = |step: &str| -> Result<f64> {
        timed(emulator_env(&mut cargo(root), emulator.endpoint()).args([
            "test",
            "--quiet",
            "--package",
            step,
        ]))
    };
    for (_, step) in EDITS {
        test(step)?;
    }
    for _ in 0..plan.edit_loops {
        for (file, step) in EDITS {
            let file_path = root.join(file);
            let handle = std::fs::File::options().append(true).open(&file_path)?;
            handle.set_modified(std::time::SystemTime::now())?;
            let seconds = test(step)?;
            println!("    touched {file}, `cargo test -p {step}`: {seconds:.1} s");
            results.entry(step).or_default().push(seconds);
        }
    }
    Ok(serde_json::to_value(results)?)
}

fn build_rows(builds: &Value, plan: Plan) -> Vec<Row> {
    let (workspace, alone) = (median(&numbers(&builds["workspace"])), median(&numbers(&builds["final"])));
    let cold = (plan.cold_builds > 0).then(|| Row {
        what: "Cold `cargo build --workspace`".into(),
        measured: format!("{workspace:.0} s"),
        baseline: format!("`final` alone {alone:.0} s"),
        ratio: Some(workspace / alone),
        target: "≤ 1.25×",
        met: Some(workspace <= 1.25 * alone),
    });
    let loops = EDITS.map(|(file, step)| {
        let seconds = median(&numbers(&builds[step]));
        let name = file.rsplit('/').next().unwrap_or(file);
        Row {
            what: format!("Touch `{name}`, `cargo test -p {step}`"),
            measured: format!("{seconds:.1} s"),
            baseline: "—".into(),
            ratio: None,
            target: "≤ 20 s",
            met: Some(seconds <= 20.0),
        }
    });
    cold.into_iter().chain(loops).collect()
}

/// The machine's header line: cores, CPU model, OS, toolchain.
fn machine() -> Result<String> {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let rustc = output(Command::new("rustc").arg("--version")).unwrap_or_default();
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| format!(", {:.0} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_default();
    Ok(format!(
        "{cores} cores ({cpu}){memory}, {} {}, {}",
        std::env::consts::OS,
        std::env::consts::ARCH,
        rustc.trim()
    ))
}

fn page(machine: &str, rows: &[Row], took: Duration, plan: Plan) -> String {
    let today = output(Command::new("date").arg("+%Y-%m-%d")).unwrap_or_default();
    let mut table =
        String::from("| Measured | Here | Baseline, same run | Ratio | Target |\n|---|---|---|---|---|\n");
    for row in rows {
        let ratio = row.ratio.map_or("—".into(), |r| format!("{r:.2}×"));
        let target = match row.met {
            Some(true) => format!("{} (met)", row.target),
            Some(false) => format!("{} (**not met**)", row.target),
            None => row.target.to_owned(),
        };
        table.push_str(&format!(
            "| {} | {} | {} | {ratio} | {target} |\n",
            row.what, row.measured, row.baseline
        ));
    }
    format!(
        include_str!("bench_page.md"),
        date = today.trim(),
        machine = machine,
        minutes = took.as_secs() / 60,
        table = table,
        cold_starts = plan.cold_starts,
        warm = WARM_INVOCATIONS,
        queued = plan.queued_books,
        drains = plan.drains,
        rounds = plan.load_rounds,
        seconds = plan.load_seconds,
        clients = CLIENTS,
        builds = plan.cold_builds,
        loops = plan.edit_loops,
    )
}
