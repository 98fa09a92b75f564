//! Stages with progress output, and the commands they run.
//!
//! Every stage says what it does before it starts and how long it took when it ends; a failed
//! command fails its stage with a sentence that names it.

use anyhow::anyhow;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub type Result<T = ()> = anyhow::Result<T>;

/// Runs `work` as a named stage, printing what it does and how long it took.
pub fn stage<T>(name: &str, what: &str, work: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("\n==> {name}: {what}");
    let started = Instant::now();
    let outcome = work();
    let seconds = started.elapsed().as_secs_f64();
    match &outcome {
        Ok(_) => println!("    {name}: ok ({seconds:.1} s)"),
        Err(_) => println!("    {name}: FAILED after {seconds:.1} s"),
    }
    outcome.map_err(|why| anyhow!("stage `{name}` failed: {why}"))
}

/// Runs a command to completion with inherited output; a non-zero exit is an error.
pub fn run_command(command: &mut Command) -> Result {
    let status = command.status().map_err(|e| anyhow!("could not start {}: {e}", describe(command)))?;
    if status.success() { Ok(()) } else { Err(anyhow!("{} exited with {status}", describe(command))) }
}

/// Runs a command and returns its standard output; a non-zero exit is an error that carries
/// its standard error.
pub fn output(command: &mut Command) -> Result<String> {
    let output = command.output().map_err(|e| anyhow!("could not start {}: {e}", describe(command)))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(anyhow!(
            "{} exited with {}:\n{}",
            describe(command),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// `cargo`, as the one running xtask (so the same toolchain), started at the repository root.
pub fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    command
}

fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().take(3).map(|a| a.to_string_lossy().into_owned()));
    format!("`{}`", words.join(" "))
}
