//! `cargo xtask package`: the functions' zips, and the manifest that tells Terraform what
//! they are.
//!
//! The manifest (`target/lambda/packages.json`) records the zips and the architecture they
//! were built for; the Terraform root reads it, so functions cannot be deployed with zips
//! built for another architecture.

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;

use crate::progress::{Result, run_command, stage};
use crate::setup::Tools;

/// An architecture Lambda runs, as Terraform and cargo-lambda name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    Arm64,
    X86_64,
}

impl Arch {
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "arm64" => Ok(Arch::Arm64),
            "x86_64" => Ok(Arch::X86_64),
            other => Err(format!("--arch is arm64 or x86_64, not {other:?}")),
        }
    }

    fn terraform_name(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "x86_64",
        }
    }

    fn cargo_lambda_flag(self) -> &'static str {
        match self {
            Arch::Arm64 => "--arm64",
            Arch::X86_64 => "--x86-64",
        }
    }
}

fn lambda_dir() -> PathBuf {
    emulator::repo_root().join("target").join("lambda")
}

fn manifest_path() -> PathBuf {
    lambda_dir().join("packages.json")
}

fn write_manifest(arch: Arch, producer: &str, consumer: &str) -> Result {
    let manifest =
        json!({ "architecture": arch.terraform_name(), "producer": producer, "consumer": consumer });
    std::fs::create_dir_all(lambda_dir()).map_err(|e| e.to_string())?;
    std::fs::write(manifest_path(), format!("{manifest:#}\n"))
        .map_err(|e| format!("could not write the manifest: {e}"))
}

/// Builds the producer and consumer zips with cargo-lambda, as a deploy would.
pub fn build(tools: &Tools, arch: Arch) -> Result {
    let what =
        format!("cargo lambda build: release zips of producer and consumer ({})", arch.terraform_name());
    stage("package", &what, || {
        // cargo-lambda finds zig (from the same .venv) on PATH.
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path =
            std::env::join_paths(std::iter::once(tools.venv_bin.clone()).chain(std::env::split_paths(&path)))
                .map_err(|e| e.to_string())?;
        run_command(
            Command::new(tools.venv_bin.join("cargo-lambda"))
                .current_dir(emulator::repo_root())
                .env("PATH", path)
                .args(["lambda", "build", "--release", arch.cargo_lambda_flag(), "--output-format", "zip"])
                .args(["--package", "books", "--bin", "producer", "--bin", "consumer"]),
        )
        .map_err(|e| match arch {
            Arch::Arm64 => format!("{e}: building for arm64 needs its Rust target (`rustup target add aarch64-unknown-linux-gnu`)"),
            Arch::X86_64 => e,
        })?;
        for function in ["producer", "consumer"] {
            let zip = lambda_dir().join(function).join("bootstrap.zip");
            let bytes = std::fs::metadata(&zip).map_err(|e| format!("no {}: {e}", zip.display()))?.len();
            println!("    {}: {:.2} MiB", zip.display(), bytes as f64 / (1024.0 * 1024.0));
        }
        write_manifest(arch, "producer/bootstrap.zip", "consumer/bootstrap.zip")?;
        println!("    {} written", manifest_path().display());
        Ok(())
    })
}

/// For the emulator, which stores function code but never runs it: the zips already built,
/// or else a placeholder zip (named as such) that saves the release build.
pub fn existing_or_placeholder() -> Result {
    if manifest_path().exists() {
        println!("\n==> package: using the packages in {}", manifest_path().display());
        return Ok(());
    }
    stage(
        "package",
        "no packages built yet: a placeholder zip for the emulator (`cargo xtask package` builds real ones)",
        || {
            let placeholder = lambda_dir().join("placeholder").join("placeholder-bootstrap.zip");
            std::fs::create_dir_all(placeholder.parent().expect("a parent")).map_err(|e| e.to_string())?;
            let script = "#!/bin/sh\necho 'placeholder package: build the real one with cargo xtask package' >&2\nexit 1\n";
            run_command(
                Command::new(emulator::venv_python())
                    .arg("-c")
                    .arg(ZIP_ONE_FILE)
                    .arg(&placeholder)
                    .arg(script),
            )?;
            let relative = "placeholder/placeholder-bootstrap.zip";
            write_manifest(Arch::X86_64, relative, relative)
        },
    )
}

/// Writes a zip holding one executable `bootstrap` (Python's zipfile, as Python is already a
/// prerequisite and Terraform's archive provider is not available offline).
const ZIP_ONE_FILE: &str = "import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    info = zipfile.ZipInfo('bootstrap'); info.external_attr = 0o755 << 16
    z.writestr(info, sys.argv[2])
";
