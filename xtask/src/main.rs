//! `cargo xtask`: the project's task runner.
//!
//! Every command a learner, an instructor or CI runs goes through here, so that they all run
//! the same way on every machine: `setup` installs the pinned tools, `doctor` checks a machine,
//! `book` serves the workshop, `start`, `check` and `solve` drive a learner's exercises, `local` runs
//! the system against the local emulator, `bench` measures it, `test` runs every check CI runs.

mod bench;
mod book;
mod chaos;
mod diffs;
mod doctor;
mod features;
mod fuzz;
mod package;
mod progress;
mod setup;
mod stack;
mod test;
mod workflows;
mod workshop;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup     install the pinned tools (moto, cargo-lambda, mdBook) into the repository; find Terraform
  doctor    check this machine is ready for the workshop, one line per prerequisite
  book      serve the book on http://127.0.0.1:8000, rebuilt on every save
              --check                 instead, check and build it as `cargo xtask test` does
  start NN  write step NN into workshop/ with chapter NN's tasks left as todo!()s
  check NN  run step NN's tests against workshop/ and name the task of each failure
  solve NN  write step NN's solution into workshop/ (what you had is backed up first)
  local     run the whole system locally: emulator, Terraform apply, API and consumer
              --api-port <port>       where the API listens (default 3000)
              --emulator-port <port>  where the AWS emulator listens (default 4566)
              --step <NN|workshop>    a workshop step (steps/NN-*), or workshop/, instead of
                                      the final system
  package   build the Lambda zips with cargo-lambda and record them for Terraform
              --arch <arm64|x86_64>   the functions' architecture (default x86_64, what this
                                      machine's toolchain builds; arm64 needs its Rust target)
              --step <NN|workshop>    a workshop step's functions (from step 04 on)
  chaos     the fault run: books posted through outages, a killed runner and throttled writes;
            fails on any book lost or stored twice
              --books <N>             how many books (default 10000)
  bench     measure cold starts, zip sizes, consumer and API throughput and build times
            against their baselines, and write them into the book (book/src/performance.md)
              --quick                 every part once and small, to see it runs (no cold
                                      builds; the page goes to target/bench/ instead)
  fuzz      the producer under generated requests (any method, path, headers, body), at scale,
            then schemathesis against the local stack with final/openapi.yaml
              --cases <N>             cases per property (default 100000)
  diffs     write what each workshop step adds to the previous one (book/src/diffs/)
  test      every check CI runs: fmt, clippy, tests, Terraform, the book, the end-to-end test
              <group>                 one group alone, as the GitHub workflow runs them: lint,
                                      unit, workshop, terraform, stack or bench";

/// A command line, understood.
enum Task {
    Setup,
    Doctor,
    Book { check: bool },
    Start(String),
    Check(String),
    Solve(String),
    Local(stack::Ports),
    Package(package::Arch, package::Functions),
    Chaos(usize),
    Bench(bench::Plan),
    Fuzz(usize),
    Diffs,
    Test(Option<test::Group>),
    Help,
}

/// Reads a command line (without the program's name). The book's commands check runs every
/// `cargo xtask` line of the book through this too.
fn parse(args: &[String]) -> Result<Task, String> {
    let step = |command: &str| match args {
        [_, step] => Ok(step.clone()),
        _ => Err(format!("usage: cargo xtask {command} NN (a step number, e.g. 02)\n\n{USAGE}")),
    };
    let alone = |task: Task| match args.len() {
        1 => Ok(task),
        _ => Err(format!("`{}` takes no options\n\n{USAGE}", args[0])),
    };
    match args.first().map(String::as_str) {
        Some("setup") => alone(Task::Setup),
        Some("doctor") => alone(Task::Doctor),
        Some("book") => match &args[1..] {
            [] => Ok(Task::Book { check: false }),
            [flag] if flag == "--check" => Ok(Task::Book { check: true }),
            _ => Err(format!("usage: cargo xtask book [--check]\n\n{USAGE}")),
        },
        Some("start") => step("start").map(Task::Start),
        Some("check") => step("check").map(Task::Check),
        Some("solve") => step("solve").map(Task::Solve),
        Some("local") => parse_local(&args[1..]).map(Task::Local),
        Some("package") => parse_package(&args[1..]).map(|(arch, functions)| Task::Package(arch, functions)),
        Some("chaos") => match &args[1..] {
            [] => Ok(Task::Chaos(chaos::FULL_RUN_BOOKS)),
            [flag, books] if flag == "--books" => positive("--books", books).map(Task::Chaos),
            _ => Err(format!("usage: cargo xtask chaos [--books N]\n\n{USAGE}")),
        },
        Some("fuzz") => match &args[1..] {
            [] => Ok(Task::Fuzz(fuzz::DEFAULT_CASES)),
            [flag, cases] if flag == "--cases" => positive("--cases", cases).map(Task::Fuzz),
            _ => Err(format!("usage: cargo xtask fuzz [--cases N]\n\n{USAGE}")),
        },
        Some("bench") => match &args[1..] {
            [] => Ok(Task::Bench(bench::Plan::FULL)),
            [flag] if flag == "--quick" => Ok(Task::Bench(bench::Plan::QUICK)),
            _ => Err(format!("usage: cargo xtask bench [--quick]\n\n{USAGE}")),
        },
        Some("diffs") => alone(Task::Diffs),
        Some("test") => match &args[1..] {
            [] => Ok(Task::Test(None)),
            [name] => match test::GROUPS.iter().find(|(group, _)| group == name) {
                Some((_, group)) => Ok(Task::Test(Some(*group))),
                None => Err(format!("no test group {name:?}\n\n{USAGE}")),
            },
            _ => Err(format!("usage: cargo xtask test [group]\n\n{USAGE}")),
        },
        Some("help" | "--help" | "-h") => Ok(Task::Help),
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
        None => Err(format!("no command\n\n{USAGE}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&args).and_then(|task| match task {
        Task::Setup => setup::run().map(drop),
        Task::Doctor => doctor::run(),
        Task::Book { check: false } => book::serve(&setup::run()?),
        Task::Book { check: true } => book::check(&setup::run()?),
        Task::Start(step) => workshop::start(&step),
        Task::Check(step) => workshop::check(&step),
        Task::Solve(step) => workshop::solve(&step),
        Task::Local(ports) => stack::run_local(ports),
        Task::Package(arch, functions) => package::build(&setup::run()?, arch, &functions),
        Task::Chaos(books) => chaos::run(books),
        Task::Bench(plan) => bench::run(plan),
        Task::Fuzz(cases) => fuzz::run(cases),
        Task::Diffs => diffs::write(),
        Task::Test(only) => test::run(only),
        Task::Help => {
            println!("{USAGE}");
            Ok(())
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nerror: {message}");
            ExitCode::FAILURE
        }
    }
}

fn positive(flag: &str, value: &str) -> Result<usize, String> {
    value
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{flag} needs a positive number, not {value:?}"))
}

fn parse_package(args: &[String]) -> Result<(package::Arch, package::Functions), String> {
    let usage = || format!("usage: cargo xtask package [--arch arm64|x86_64] [--step NN]\n\n{USAGE}");
    let (mut arch, mut functions) = (package::Arch::X86_64, package::Functions::final_system());
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(usage)?;
        match flag.as_str() {
            "--arch" => arch = package::Arch::parse(value)?,
            "--step" => {
                let dir = stack::find_step(value)?;
                functions = package::Functions::of_step(&dir).ok_or_else(|| {
                    format!("step {value} has no functions to package: they arrive in step 04")
                })?;
            }
            _ => return Err(usage()),
        }
    }
    Ok((arch, functions))
}

fn parse_local(args: &[String]) -> Result<stack::Ports, String> {
    let mut ports = stack::Ports::default();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        if flag == "--step" {
            ports.step = Some(args.next().ok_or("--step needs a step number, e.g. 01")?.clone());
            continue;
        }
        let target = match flag.as_str() {
            "--api-port" => &mut ports.api,
            "--emulator-port" => &mut ports.emulator,
            other => return Err(format!("unknown option {other}\n\n{USAGE}")),
        };
        let value = args.next().ok_or_else(|| format!("{flag} needs a port number"))?;
        *target = value.parse().map_err(|_| format!("{flag} needs a port number, not {value:?}"))?;
    }
    Ok(ports)
}
