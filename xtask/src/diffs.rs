//! `cargo xtask diffs`: what each workshop step adds to the previous one, and what `final/`'s
//! code adds to step 06's, as unified diffs the book shows (`book/src/diffs/stepNN.diff`,
//! `book/src/diffs/final.diff`).
//!
//! The steps are full copies on purpose (a learner reads one folder); these diffs keep the
//! copies honest, and `cargo xtask test` fails when one is stale.

use anyhow::anyhow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::progress::Result;
use crate::stack::{files_of, steps};
use crate::workshop::{renamed, step_names};

/// Where the diffs go.
fn diffs_dir() -> PathBuf {
    emulator::repo_root().join("book").join("src").join("diffs")
}

/// One diff to write: from `before` to `after`, over the files under `only` (all when empty),
/// with `before`'s own names already `after`'s (`names`, old to new), so that a diff shows
/// what changed, not the renaming.
struct Lineage {
    before: PathBuf,
    after: PathBuf,
    only: &'static str,
    /// What `before`'s files call it, and what `after`'s call it in the same places.
    names: (Vec<String>, Vec<String>),
    file: PathBuf,
}

/// Each step from the one before, then `final/`'s code from the last step's.
fn lineages() -> Vec<Lineage> {
    let steps = steps();
    let mut lineages: Vec<Lineage> = steps
        .windows(2)
        .map(|pair| {
            let (before, after) = (&pair[0], &pair[1]);
            let number = |step: &Path| {
                step.file_name().unwrap_or_default().to_string_lossy().chars().take(2).collect::<String>()
            };
            Lineage {
                before: before.clone(),
                after: after.clone(),
                only: "",
                names: (step_names(before).to_vec(), step_names(after).to_vec()),
                file: diffs_dir().join(format!("step{}.diff", number(after))),
            }
        })
        .collect();
    if let Some(last) = steps.last() {
        let [_, _, krate, _, _] = step_names(last);
        lineages.push(Lineage {
            before: last.clone(),
            after: emulator::repo_root().join("final"),
            only: "src",
            names: (vec![krate], vec!["books".to_owned()]),
            file: diffs_dir().join("final.diff"),
        });
    }
    lineages
}

/// Every diff: (file to write, its contents).
fn generate() -> Result<Vec<(PathBuf, String)>> {
    let root = emulator::repo_root();
    let mut diffs = Vec::new();
    for Lineage { before, after, only, names, file: out } in lineages() {
        let under = |files: Vec<PathBuf>| files.into_iter().filter(|file| file.starts_with(only));
        let mut files: BTreeSet<PathBuf> = under(files_of(&before)?).collect();
        files.extend(under(files_of(&after)?));
        let mut diff = String::new();
        for file in files {
            let read = |tree: &Path| {
                without_exercises(&std::fs::read_to_string(tree.join(&file)).unwrap_or_default())
            };
            let old = renamed(&read(&before), &names.0, &names.1);
            let new = read(&after);
            if old == new {
                continue;
            }
            // As git writes it: a file one side does not have is /dev/null there.
            let name = |tree: &Path, side: &str| match tree.join(&file).exists() {
                true => format!("{side}/{}", tree.strip_prefix(root).unwrap_or(tree).join(&file).display()),
                false => "/dev/null".to_owned(),
            };
            let unified = TextDiff::from_lines(&old, &new)
                .unified_diff()
                .context_radius(3)
                .header(&name(&before, "a"), &name(&after, "b"))
                .to_string();
            diff.push_str(&unified);
        }
        diffs.push((out, diff));
    }
    Ok(diffs)
}

/// `text` without what only the book and the exercises use (the anchor and task markers, a
/// manifest's task list), so a diff shows what the step changed in the code.
fn without_exercises(text: &str) -> String {
    let code = match text.find("[[package.metadata.workshop.tasks]]") {
        Some(at) => {
            let kept = &text[..at];
            let comments = kept.trim_end().lines().rev().take_while(|line| line.starts_with('#')).count();
            let lines: Vec<&str> = kept.trim_end().lines().collect();
            lines[..lines.len() - comments].join("\n").trim_end().to_owned() + "\n"
        }
        None => text.to_owned(),
    };
    let is_marker = |line: &str| {
        let line = line.trim_start().trim_start_matches("//").trim_start_matches('#').trim_start();
        line.starts_with("ANCHOR: ") || line.starts_with("ANCHOR_END: ")
    };
    let mut out: String = code.lines().filter(|line| !is_marker(line)).collect::<Vec<_>>().join("\n");
    if code.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Writes every diff.
pub fn write() -> Result {
    std::fs::create_dir_all(diffs_dir())?;
    for (path, diff) in generate()? {
        std::fs::write(&path, diff).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
        println!("    wrote {}", path.display());
    }
    Ok(())
}

/// Fails when a written diff differs from what the steps give now.
pub fn check() -> Result {
    for (path, diff) in generate()? {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(diff.as_str()) {
            return Err(anyhow!(
                "{} is stale: run `cargo xtask diffs` and commit the result",
                path.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_leaves_out_the_anchors_and_the_task_list() {
        let manifest = "[package]\nname = \"x\"\n\n# Chapter 01's exercises.\n[[package.metadata.workshop.tasks]]\nid = \"put\"\n";
        assert_eq!(without_exercises(manifest), "[package]\nname = \"x\"\n");
        let code = "fn put() {\n    // ANCHOR: task_put Put it\n    x();\n    // ANCHOR_END: task_put\n}\n# ANCHOR: iam\n";
        assert_eq!(without_exercises(code), "fn put() {\n    x();\n}\n");
    }
}
