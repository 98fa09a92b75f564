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
mod module_docs;
mod package;
mod progress;
mod setup;
mod stack;
mod test;
mod workflows;
mod workshop;

use anyhow::Context;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The project's task runner: every command a learner, an instructor or CI runs.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", disable_version_flag = true)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

/// A command line, understood.
#[derive(Debug, Subcommand)]
enum Task {
    /// Install the pinned tools (moto, cargo-lambda, mdBook) into the repository; find Terraform.
    Setup,
    /// Check this machine is ready for the workshop, one line per prerequisite.
    Doctor,
    /// Serve the book on http://127.0.0.1:8000, rebuilt on every save.
    Book {
        /// Instead, check and build it as `cargo xtask test` does.
        #[arg(long)]
        check: bool,
    },
    /// Write step NN into workshop/ with chapter NN's tasks left as todo!()s.
    Start {
        /// A step number, e.g. 02.
        #[arg(value_name = "NN")]
        step: String,
    },
    /// Run step NN's tests against workshop/ and name the task of each failure.
    Check {
        /// A step number, e.g. 02.
        #[arg(value_name = "NN")]
        step: String,
    },
    /// Write step NN's solution into workshop/ (what you had is backed up first).
    Solve {
        /// A step number, e.g. 02.
        #[arg(value_name = "NN")]
        step: String,
    },
    /// Run the whole system locally: emulator, Terraform apply, API and consumer.
    Local {
        /// Where the API listens.
        #[arg(long, value_name = "PORT", default_value_t = 3000)]
        api_port: u16,
        /// Where the AWS emulator listens.
        #[arg(long, value_name = "PORT", default_value_t = 4566)]
        emulator_port: u16,
        /// A workshop step (steps/NN-*), or workshop/, instead of the final system.
        #[arg(long, value_name = "NN|workshop")]
        step: Option<String>,
    },
    /// Print an access token the running local stack (`cargo xtask local`) accepts, as its
    /// issuer would sign one: TOKEN=$(cargo xtask token).
    Token {
        /// A scope the token holds (repeat it for more); every scope the API's routes ask for
        /// when none is given.
        #[arg(long, value_name = "SCOPE")]
        scope: Vec<String>,
        /// Who the token is for (its sub claim): the caller the API records.
        #[arg(long, value_name = "NAME", default_value = "local-user")]
        subject: String,
        /// How long it is valid.
        #[arg(long, value_name = "N", default_value_t = 60)]
        minutes: u32,
    },
    /// Build the Lambda zips with cargo-lambda and record them for Terraform.
    Package {
        /// The functions' architecture: x86_64 is what this machine's toolchain builds; arm64
        /// needs its Rust target.
        #[arg(long, value_enum, default_value_t = package::Arch::X86_64)]
        arch: package::Arch,
        /// A workshop step's functions (from step 04 on).
        #[arg(long, value_name = "NN|workshop")]
        step: Option<String>,
    },
    /// The fault run: books posted through outages, a killed runner and throttled writes;
    /// fails on any book lost or stored twice.
    Chaos {
        /// How many books.
        #[arg(long, value_name = "N", default_value_t = chaos::FULL_RUN_BOOKS, value_parser = positive)]
        books: usize,
    },
    /// Measure cold starts, zip sizes, consumer and API throughput and build times against their
    /// baselines, and write them into the book (book/src/performance.md).
    Bench {
        /// Every part once and small, to see it runs (no cold builds; the page goes to
        /// target/bench/ instead).
        #[arg(long)]
        quick: bool,
    },
    /// The producer under generated requests (any method, path, headers, body), at scale, then
    /// schemathesis against the local stack with final/openapi.yaml.
    Fuzz {
        /// Cases per property.
        #[arg(long, value_name = "N", default_value_t = fuzz::DEFAULT_CASES, value_parser = positive)]
        cases: usize,
    },
    /// Write what each workshop step adds to the previous one (book/src/diffs/).
    Diffs,
    /// Write the Inputs, Outputs and Example of terraform/modules/*/README.md from each module's
    /// variables.tf and outputs.tf and the root's call of it.
    ModuleDocs,
    /// Every check CI runs: fmt, clippy, tests, Terraform, the book, the end-to-end test.
    Test {
        /// One group alone, as the GitHub workflow runs them.
        #[arg(value_enum)]
        group: Option<test::Group>,
    },
}

/// Reads a command line (without the program's name), as `cargo xtask` would. The book's
/// commands check runs every `cargo xtask` line of the book through this too.
fn parse(args: &[String]) -> Result<Task, String> {
    Cli::try_parse_from(std::iter::once("cargo xtask").chain(args.iter().map(String::as_str)))
        .map(|cli| cli.task)
        .map_err(|error| error.render().to_string())
}

fn main() -> ExitCode {
    let result = match Cli::parse().task {
        Task::Setup => setup::run().map(drop),
        Task::Doctor => doctor::run(),
        Task::Book { check: false } => setup::run().and_then(|tools| book::serve(&tools)),
        Task::Book { check: true } => setup::run().and_then(|tools| book::check(&tools)),
        Task::Start { step } => workshop::start(&step),
        Task::Check { step } => workshop::check(&step),
        Task::Solve { step } => workshop::solve(&step),
        Task::Local { api_port, emulator_port, step } => {
            stack::run_local(stack::Ports { api: api_port, emulator: emulator_port, step })
        }
        Task::Token { scope, subject, minutes } => stack::print_token(&subject, &scope, minutes),
        Task::Package { arch, step } => package_functions(step.as_deref())
            .and_then(|functions| package::build(&setup::run()?, arch, &functions)),
        Task::Chaos { books } => chaos::run(books),
        Task::Bench { quick } => bench::run(if quick { bench::Plan::QUICK } else { bench::Plan::FULL }),
        Task::Fuzz { cases } => fuzz::run(cases),
        Task::Diffs => diffs::write(),
        Task::ModuleDocs => module_docs::write(),
        Task::Test { group } => test::run(group),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nerror: {message:#}");
            ExitCode::FAILURE
        }
    }
}

fn positive(value: &str) -> Result<usize, String> {
    value.parse().ok().filter(|n| *n > 0).ok_or_else(|| format!("a positive number, not {value:?}"))
}

/// The functions `package --step` names: the final system's without it.
fn package_functions(step: Option<&str>) -> progress::Result<package::Functions> {
    let Some(step) = step else { return Ok(package::Functions::final_system()) };
    let dir = stack::find_step(step)?;
    package::Functions::of_step(&dir)
        .with_context(|| format!("step {step} has no functions to package: they arrive in step 04"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(line: &str) -> Result<Task, String> {
        parse(&line.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
    }

    #[test]
    fn the_command_line_is_well_formed() {
        <Cli as clap::CommandFactory>::command().debug_assert();
    }

    #[test]
    fn commands_parse_with_their_defaults() {
        assert!(matches!(
            parsed("local"),
            Ok(Task::Local { api_port: 3000, emulator_port: 4566, step: None })
        ));
        assert!(matches!(
            parsed("package --arch arm64 --step 04"),
            Ok(Task::Package { arch: package::Arch::Arm64, step: Some(_) })
        ));
        assert!(matches!(parsed("package"), Ok(Task::Package { arch: package::Arch::X86_64, step: None })));
        assert!(matches!(parsed("test terraform"), Ok(Task::Test { group: Some(test::Group::Terraform) })));
        assert!(matches!(parsed("chaos"), Ok(Task::Chaos { books: chaos::FULL_RUN_BOOKS })));
        assert!(matches!(parsed("module-docs"), Ok(Task::ModuleDocs)));
    }

    #[test]
    fn a_wrong_command_line_says_what_is_wrong() {
        assert!(parsed("test lnt").unwrap_err().contains("invalid value 'lnt'"));
        assert!(parsed("chaos --books 0").unwrap_err().contains("a positive number"));
        assert!(parsed("start").unwrap_err().contains("<NN>"));
        assert!(parsed("launch").unwrap_err().contains("unrecognized subcommand 'launch'"));
    }
}
