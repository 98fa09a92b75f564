//! The check that keeps `workspace-hack/` honest: for its tests, every member must resolve each
//! dependency with the features `cargo test --workspace` gives it, or `cargo test -p <member>`
//! (what a learner and `cargo xtask check` run) compiles its own copy of tokio, hyper and the
//! AWS SDK: minutes per step on a learner's laptop.

use anyhow::anyhow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;

use crate::progress::{Result, cargo, output};

/// Members left out: xtask and the emulator crate it uses build on their own, before anything
/// else, and must not wait for the SDK; the hack itself.
const NOT_UNIFIED: [&str; 3] = ["xtask", "emulator", "workspace-hack"];

/// Every workspace member: (package name, directory).
pub fn members() -> Result<Vec<(String, PathBuf)>> {
    let root = emulator::repo_root();
    let metadata: Value =
        serde_json::from_str(&output(cargo(root).args(["metadata", "--no-deps", "--format-version", "1"]))?)
            .map_err(|e| anyhow!("cargo metadata: {e}"))?;
    Ok(metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|package| {
            let name = package["name"].as_str()?.to_owned();
            let manifest = PathBuf::from(package["manifest_path"].as_str()?);
            Some((name, manifest.parent()?.to_path_buf()))
        })
        .collect())
}

/// Each dependency's features (the union over host and target) as `cargo tree` resolves them
/// for `selection`.
fn resolved(selection: &[&str]) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let tree = output(
        cargo(emulator::repo_root())
            .args(["tree", "--edges", "normal,build,dev", "--prefix", "none", "--format", "{p}|{f}"])
            .args(selection),
    )?;
    let mut features: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in tree.lines() {
        let Some((package, enabled)) = line.split_once('|') else { continue };
        // Path dependencies are the workspace's own crates, compiled per member anyway.
        if package.contains(" (/") || package.contains(" (\\") {
            continue;
        }
        let package = package.split(" (").next().unwrap_or(package).trim().to_owned();
        let enabled = enabled.replace("(*)", "");
        features
            .entry(package)
            .or_default()
            .extend(enabled.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned));
    }
    Ok(features)
}

pub fn check() -> Result {
    let workspace = resolved(&["--workspace"])?;
    let mut problems = Vec::new();
    let members = members()?;
    let unified: Vec<&String> =
        members.iter().map(|(name, _)| name).filter(|name| !NOT_UNIFIED.contains(&name.as_str())).collect();
    for member in &unified {
        for (package, features) in resolved(&["--package", member])? {
            let everywhere = workspace.get(&package).cloned().unwrap_or_default();
            if features != everywhere {
                let missing: Vec<_> = everywhere.difference(&features).collect();
                problems.push(format!("{member} builds {package} without {missing:?}"));
            }
        }
    }
    if problems.is_empty() {
        println!("    {} members resolve every dependency as the workspace does", unified.len());
        Ok(())
    } else {
        Err(anyhow!(
            "some members would compile their own copies of shared dependencies; add these features \
             to workspace-hack/Cargo.toml:\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// What the Lambda zips are built from (`books` without its default features, as `cargo xtask
/// package` builds it) holds no `lambda-local`: the laptop's host never ships in a function.
pub fn functions_without_the_local_host() -> Result {
    let tree = output(
        cargo(emulator::repo_root())
            .args(["tree", "--package", "books", "--no-default-features", "--edges", "normal,build"])
            .args(["--prefix", "none", "--format", "{p}"]),
    )?;
    match tree.lines().find(|line| line.starts_with("lambda-local ")) {
        Some(found) => Err(anyhow!(
            "the release functions depend on {found}: keep it behind books' `local` feature (final/Cargo.toml)"
        )),
        None => {
            println!("    the release producer and consumer depend on no lambda-local");
            Ok(())
        }
    }
}
