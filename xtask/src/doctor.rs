//! `cargo xtask doctor`: the pre-flight an instructor runs on every machine of a room.
//!
//! One line per prerequisite, each `ok` or the one thing to do about it, so a room finds its
//! problems before the workshop starts rather than in chapter 01. Only what would stop a chapter
//! fails the command; a busy default port is a note, since every command takes another port.

use anyhow::anyhow;
use std::path::Path;
use std::process::Command;

use crate::progress::{Result, output};
use crate::setup;

/// The oldest versions the workshop is tested with.
const RUST: (u32, u32, u32) = (1, 94, 1);
const PYTHON: (u32, u32, u32) = (3, 9, 0);
const TERRAFORM: (u32, u32, u32) = (1, 9, 0);
/// The tools, the emulator, the build of every crate and the book, with room to spare.
const DISK_GIB: u64 = 8;
/// The ports `cargo xtask local` and `cargo xtask book` listen on by default.
const PORTS: [(u16, &str); 3] = [(3000, "the local API"), (4566, "the emulator"), (8000, "the book")];

enum Verdict {
    Ok(String),
    Note(String),
    Fix(String),
}

pub fn run() -> Result {
    let root = emulator::repo_root();
    let verdicts = [
        version("Rust", "rustc", &["--version"], RUST, "`rustup update stable`"),
        version(
            "Python",
            "python3",
            &["--version"],
            PYTHON,
            "install Python 3.9 or later with venv (Debian and Ubuntu: `apt install python3 python3-venv`)",
        ),
        python_venv(),
        version(
            "Terraform",
            "terraform",
            &["version"],
            TERRAFORM,
            "install Terraform 1.9 or later (https://developer.hashicorp.com/terraform/install)",
        ),
        provider(),
        installed(root, "the emulator", &emulator::venv_python(), &["-c", "import moto"]),
        installed(root, "mdBook", &root.join(setup::TOOLS_DIR).join("bin").join("mdbook"), &["--version"]),
        disk(root),
        prebuilt(root),
    ]
    .into_iter()
    .chain(PORTS.map(|(port, what)| port_free(port, what)));
    let mut to_fix = 0;
    for verdict in verdicts {
        match verdict {
            Verdict::Ok(line) => println!("ok    {line}"),
            Verdict::Note(line) => println!("note  {line}"),
            Verdict::Fix(line) => {
                to_fix += 1;
                println!("FIX   {line}");
            }
        }
    }
    match to_fix {
        0 => {
            println!("\nThis machine is ready for the workshop.");
            Ok(())
        }
        n => Err(anyhow!("{n} thing(s) to fix before the workshop (the FIX lines above)")),
    }
}

fn version(name: &str, program: &str, args: &[&str], oldest: (u32, u32, u32), fix: &str) -> Verdict {
    let Ok(text) = output(Command::new(program).args(args)) else {
        return Verdict::Fix(format!("{name}: `{program}` not found: {fix}"));
    };
    match parse_version(&text) {
        Some(found) if found >= oldest => Verdict::Ok(format!("{name} {}", show(found))),
        Some(found) => Verdict::Fix(format!("{name} {} is older than {}: {fix}", show(found), show(oldest))),
        None => Verdict::Fix(format!("{name}: cannot read a version from `{program}`: {fix}")),
    }
}

fn python_venv() -> Verdict {
    match output(Command::new("python3").args(["-m", "venv", "--help"])) {
        Ok(_) => Verdict::Ok("Python's venv module".into()),
        Err(_) => Verdict::Fix(
            "Python's venv module is missing: Debian and Ubuntu ship it as `python3-venv`".into(),
        ),
    }
}

fn provider() -> Verdict {
    match setup::provider_mirror() {
        Err(problem) => Verdict::Fix(problem.to_string()),
        Ok(Some(mirror)) => Verdict::Ok(format!("Terraform AWS provider: a mirror in {}", mirror.display())),
        Ok(None) => Verdict::Note(
            "Terraform AWS provider: no mirror here, the first `terraform init` downloads it (about \
             150 MB) into .tools/terraform-plugin-cache and later ones reuse it; offline, set \
             TF_PROVIDER_MIRROR (see the troubleshooting chapter)"
                .into(),
        ),
    }
}

fn installed(root: &Path, name: &str, program: &Path, args: &[&str]) -> Verdict {
    match output(Command::new(program).args(args).current_dir(root)) {
        Ok(_) => Verdict::Ok(format!("{name}, installed by `cargo xtask setup`")),
        Err(_) => Verdict::Fix(format!("{name} is not installed: run `cargo xtask setup`")),
    }
}

fn disk(root: &Path) -> Verdict {
    let free_kib = output(Command::new("df").arg("-Pk").arg(root))
        .ok()
        .and_then(|text| text.lines().nth(1)?.split_whitespace().nth(3)?.parse::<u64>().ok());
    match free_kib.map(|kib| kib / (1024 * 1024)) {
        Some(gib) if gib >= DISK_GIB => Verdict::Ok(format!("{gib} GiB free for the build")),
        Some(gib) => Verdict::Fix(format!(
            "only {gib} GiB free where the repository is: the build and the tools need about {DISK_GIB} GiB"
        )),
        None => {
            Verdict::Note(format!("could not read the free disk space; the build needs about {DISK_GIB} GiB"))
        }
    }
}

fn prebuilt(root: &Path) -> Verdict {
    let built = std::fs::read_dir(root.join("target").join("debug").join("deps"))
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| entry.file_name().to_string_lossy().starts_with("libaws_sdk_dynamodb"));
    if built {
        Verdict::Ok("the AWS SDK crates are built in target/".into())
    } else {
        Verdict::Note(
            "target/ has no build yet: the first `cargo test` compiles the AWS SDK (several minutes); \
             `cargo test --workspace --no-run` does it ahead of time"
                .into(),
        )
    }
}

fn port_free(port: u16, what: &str) -> Verdict {
    if emulator::port_is_free(port) {
        Verdict::Ok(format!("port {port} ({what}) is free"))
    } else {
        Verdict::Note(format!(
            "port {port} ({what}) is taken: stop what holds it, or pass another port to xtask"
        ))
    }
}

/// The first `major.minor[.patch]` in a tool's version banner.
fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    text.split(|c: char| c.is_whitespace() || c == 'v').find_map(|word| {
        let mut parts = word.split('.').map(|part| part.parse::<u32>().ok());
        let (major, minor) = (parts.next()??, parts.next()??);
        Some((major, minor, parts.next().flatten().unwrap_or(0)))
    })
}

fn show((major, minor, patch): (u32, u32, u32)) -> String {
    format!("{major}.{minor}.{patch}")
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn versions_are_read_from_each_tools_banner() {
        assert_eq!(parse_version("rustc 1.95.0 (59807616e 2026-04-14)"), Some((1, 95, 0)));
        assert_eq!(parse_version("Python 3.11.7\n"), Some((3, 11, 7)));
        assert_eq!(parse_version("Terraform v1.9.8\non linux_amd64\n"), Some((1, 9, 8)));
        assert_eq!(parse_version("Terraform v1.10\n"), Some((1, 10, 0)));
        assert_eq!(parse_version("no version here"), None);
        assert!(parse_version("Python 3.8.10") < Some((3, 9, 0)));
    }
}
