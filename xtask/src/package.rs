//! `cargo xtask package`: the functions' zips, and the manifest that tells Terraform what
//! they are.
//!
//! The manifest (`target/lambda/packages.json`) records the zips and the architecture they
//! were built for; the Terraform root reads it, so functions cannot be deployed with zips
//! built for another architecture, nor with the emulator's placeholder.

use anyhow::anyhow;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use crate::progress::{Result, run_command, stage};
use crate::setup::Tools;

/// An architecture Lambda runs, as Terraform and cargo-lambda name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Arch {
    Arm64,
    #[value(name = "x86_64")]
    X86_64,
}

impl Arch {
    fn terraform_name(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "x86_64",
        }
    }

    /// The Rust target cargo-lambda builds for, under whose `release/` the binaries land.
    fn rust_target(self) -> &'static str {
        match self {
            Arch::Arm64 => "aarch64-unknown-linux-gnu",
            Arch::X86_64 => "x86_64-unknown-linux-gnu",
        }
    }

    fn cargo_lambda_flag(self) -> &'static str {
        match self {
            Arch::Arm64 => "--arm64",
            Arch::X86_64 => "--x86-64",
        }
    }
}

pub fn lambda_dir() -> PathBuf {
    emulator::repo_root().join("target").join("lambda")
}

/// A crate with a `producer` and a `consumer` Lambda binary (and a `local` runner): the final
/// system, or a workshop step from 04 on, whose binaries carry the step's prefix.
#[derive(Clone, Debug)]
pub struct Functions {
    pub package: String,
    prefix: String,
}

impl Functions {
    pub fn final_system() -> Self {
        Functions { package: "books".into(), prefix: String::new() }
    }

    /// The functions of a step directory, if it has reached them (step 04 on).
    pub fn of_step(dir: &Path) -> Option<Self> {
        let package = crate::stack::step_package(dir);
        let prefix = format!("{}-", package.split('-').next().unwrap_or_default());
        dir.join("src/bin/producer.rs").is_file().then_some(Functions { package, prefix })
    }

    /// The binary of `producer`, `consumer` or `local`.
    pub fn bin(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Where the manifest goes: `target/lambda/packages.json` for the final system (what
    /// `terraform/` reads), `target/lambda/<step package>/packages.json` for a step.
    fn manifest_path(&self) -> PathBuf {
        if self.prefix.is_empty() {
            lambda_dir().join("packages.json")
        } else {
            lambda_dir().join(&self.package).join("packages.json")
        }
    }

    fn write_manifest(&self, arch: Arch, producer: &str, consumer: &str) -> Result {
        let manifest =
            json!({ "architecture": arch.terraform_name(), "producer": producer, "consumer": consumer });
        let path = self.manifest_path();
        std::fs::create_dir_all(path.parent().expect("a parent"))?;
        std::fs::write(&path, format!("{manifest:#}\n"))
            .map_err(|e| anyhow!("could not write the manifest: {e}"))
    }
}

/// Builds the producer and consumer zips with cargo-lambda, as a deploy would.
pub fn build(tools: &Tools, arch: Arch, functions: &Functions) -> Result {
    let (producer, consumer) = (functions.bin("producer"), functions.bin("consumer"));
    let what =
        format!("cargo lambda build: release zips of {producer} and {consumer} ({})", arch.terraform_name());
    stage("package", &what, || {
        run_command(cargo_lambda(tools, arch)?.args(["--package", &functions.package, "--bin", &producer, "--bin", &consumer]))
            .map_err(|e| match arch {
                Arch::Arm64 => anyhow!("{e}: building for arm64 needs its Rust target (`rustup target add aarch64-unknown-linux-gnu`)"),
                Arch::X86_64 => e,
            })?;
        for function in [&producer, &consumer] {
            let zip = lambda_dir().join(function).join("bootstrap.zip");
            run_command(Command::new(emulator::venv_python()).arg("-c").arg(REPRODUCIBLE_ZIP).arg(&zip))?;
            let bytes = std::fs::metadata(&zip).map_err(|e| anyhow!("no {}: {e}", zip.display()))?.len();
            println!("    {}: {:.2} MiB", zip.display(), bytes as f64 / (1024.0 * 1024.0));
        }
        let relative = |function: &str| {
            let up = if functions.prefix.is_empty() { "" } else { "../" };
            format!("{up}{function}/bootstrap.zip")
        };
        functions.write_manifest(arch, &relative(&producer), &relative(&consumer))?;
        println!("    {} written", functions.manifest_path().display());
        Ok(())
    })
}

/// Packages `functions` again after making their binaries look rebuilt (a new modification
/// time, as a fresh build of the same commit has) and fails unless every zip is byte-identical.
pub fn rebuild_is_identical(tools: &Tools, arch: Arch, functions: &Functions) -> Result {
    let zips: Vec<PathBuf> = ["producer", "consumer"]
        .iter()
        .map(|name| lambda_dir().join(functions.bin(name)).join("bootstrap.zip"))
        .collect();
    let read = |zip: &PathBuf| std::fs::read(zip).map_err(|e| anyhow!("cannot read {}: {e}", zip.display()));
    let before: Vec<Vec<u8>> = zips.iter().map(read).collect::<Result<_>>()?;
    let binaries = emulator::repo_root().join("target").join(arch.rust_target()).join("release");
    for name in ["producer", "consumer"] {
        let binary = std::fs::File::options()
            .append(true)
            .open(binaries.join(functions.bin(name)))
            .map_err(|e| anyhow!("cannot open the {name} binary: {e}"))?;
        binary.set_modified(std::time::SystemTime::now())?;
    }
    build(tools, arch, functions)?;
    for (zip, before) in zips.iter().zip(before) {
        if read(zip)? != before {
            return Err(anyhow!("{} differs from the same commit's previous package", zip.display()));
        }
    }
    println!("    both zips are byte-identical to the previous package");
    Ok(())
}

/// `cargo lambda build` of release zips for `arch`, to which the caller adds what to build.
pub fn cargo_lambda(tools: &Tools, arch: Arch) -> Result<Command> {
    // cargo-lambda finds zig (from the same .venv) on PATH.
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path =
        std::env::join_paths(std::iter::once(tools.venv_bin.clone()).chain(std::env::split_paths(&path)))?;
    let mut command = Command::new(tools.venv_bin.join("cargo-lambda"));
    command.current_dir(emulator::repo_root()).env("PATH", path).args([
        "lambda",
        "build",
        "--release",
        arch.cargo_lambda_flag(),
        "--output-format",
        "zip",
        // Without `workspace-hack` (see final/Cargo.toml): only the features the functions use.
        "--no-default-features",
    ]);
    Ok(command)
}

/// For the emulator, which stores function code but never runs it: the manifest of the zips
/// already built, or else of a placeholder zip that saves the release build. The placeholder's
/// manifest lives apart from real packages (`target/lambda/placeholder/`) and says
/// `"placeholder": true`, which the final root refuses unless told it is the emulator
/// (`allow_placeholder_packages` in `emulator.tfvars`): it can never be deployed by mistake.
pub fn existing_or_placeholder(functions: &Functions) -> Result<PathBuf> {
    let manifest = functions.manifest_path();
    if manifest.exists() {
        println!("\n==> package: using the packages in {}", manifest.display());
        return Ok(manifest);
    }
    let placeholder_dir = lambda_dir().join("placeholder");
    let placeholder_manifest = placeholder_dir.join(format!("{}.json", functions.package));
    stage(
        "package",
        "no packages built yet: a placeholder zip for the emulator (`cargo xtask package` builds real ones)",
        || {
            let zip = placeholder_dir.join("placeholder-bootstrap.zip");
            std::fs::create_dir_all(&placeholder_dir)?;
            let script = "#!/bin/sh\necho 'placeholder package: build the real one with cargo xtask package' >&2\nexit 1\n";
            run_command(
                Command::new(emulator::venv_python()).arg("-c").arg(ZIP_ONE_FILE).arg(&zip).arg(script),
            )?;
            let manifest = json!({
                "architecture": Arch::X86_64.terraform_name(),
                "producer": "placeholder-bootstrap.zip",
                "consumer": "placeholder-bootstrap.zip",
                "placeholder": true,
            });
            std::fs::write(&placeholder_manifest, format!("{manifest:#}\n"))
                .map_err(|e| anyhow!("could not write the manifest: {e}"))
        },
    )?;
    Ok(placeholder_manifest)
}

/// Rewrites a zip so that it depends on its files' bytes alone: cargo-lambda stores each file's
/// modification time, so a rebuild of the same commit would change `source_code_hash` and
/// redeploy identical code. Entries keep their order and bytes, with a fixed time (1980-01-01,
/// the earliest a zip can say) and mode.
const REPRODUCIBLE_ZIP: &str = include_str!("../python/reproducible_zip.py");

/// Writes a zip holding one executable `bootstrap` (Python's zipfile, as Python is already a
/// prerequisite and Terraform's archive provider is not available offline).
const ZIP_ONE_FILE: &str = include_str!("../python/zip_one_file.py");
