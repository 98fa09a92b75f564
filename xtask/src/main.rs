//! `cargo xtask`: the project's task runner.
//!
//! Every command a learner, an instructor or CI runs goes through here, so that they all run
//! the same way on every machine: `setup` installs the pinned tools, `local` runs the whole
//! system against the local emulator, `test` runs every check CI runs.

mod diffs;
mod package;
mod progress;
mod setup;
mod stack;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup     install the pinned tools (moto, cargo-lambda) into .venv and find Terraform
  local     run the whole system locally: emulator, Terraform apply, API and consumer
              --api-port <port>       where the API listens (default 3000)
              --emulator-port <port>  where the AWS emulator listens (default 4566)
              --step <NN>             a workshop step (steps/NN-*) instead of the final system
  package   build the Lambda zips with cargo-lambda and record them for Terraform
              --arch <arm64|x86_64>   the functions' architecture (default x86_64, what this
                                      machine's toolchain builds; arm64 needs its Rust target)
              --step <NN>             a workshop step's functions (from step 04 on)
  diffs     write what each workshop step adds to the previous one (book/src/diffs/)
  test      every check CI runs: fmt, clippy, tests, Terraform, the end-to-end test";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run().map(drop),
        Some("local") => parse_local(&args[1..]).and_then(stack::run_local),
        Some("package") => parse_package(&args[1..])
            .and_then(|(arch, functions)| package::build(&setup::run()?, arch, &functions)),
        Some("diffs") => diffs::write(),
        Some("test") => test::run(),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("unknown command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nerror: {message}");
            ExitCode::FAILURE
        }
    }
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
