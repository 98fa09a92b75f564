//! The reference part of every `terraform/modules/*/README.md`, written from the module's
//! `variables.tf` and `outputs.tf` and from the root's call of it (`cargo xtask module-docs`),
//! and checked by `cargo xtask test`, so a README can neither miss a variable, nor describe one
//! that is gone, nor show a call that does not work.
//!
//! Every module README has one form: what the module is for and why (prose, by hand), then,
//! between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->` (terraform-docs' markers),
//! `## Inputs`, `## Outputs` and `## Example`: the module's `module` blocks in
//! `terraform/main.tf`, which every test validates, plans and applies.
//!
//! The `.tf` files are read as `terraform fmt` writes them (the Terraform group's first stage
//! checks that): a block opens at the start of a line and closes with a `}` alone on its line,
//! and its arguments are indented two spaces.

use anyhow::anyhow;
use std::path::{Path, PathBuf};

use crate::progress::Result;

const BEGIN: &str = "<!-- BEGIN_TF_DOCS -->";
const END: &str = "<!-- END_TF_DOCS -->";

/// One `variable` or `output` block.
#[derive(Debug, PartialEq)]
struct Declared {
    name: String,
    description: String,
    /// A variable's type, as written; empty for an output.
    kind: String,
    /// A variable's default, on one line; `None` when the variable is required.
    default: Option<String>,
}

/// Writes the tables of every module README.
pub fn write() -> Result {
    for module in modules()? {
        let readme = module.join("README.md");
        let text = read(&readme)?;
        let written =
            with_tables(&text, &tables(&module)?).map_err(|e| anyhow!("{}: {e}", shown(&readme)))?;
        if written != text {
            std::fs::write(&readme, written)
                .map_err(|e| anyhow!("cannot write {}: {e}", readme.display()))?;
            println!("wrote {}", shown(&readme));
        }
    }
    Ok(())
}

/// Fails on a README whose generated part is missing or stale.
pub fn check() -> Result {
    let mut problems = Vec::new();
    let modules = modules()?;
    for module in &modules {
        let readme = module.join("README.md");
        let text = read(&readme)?;
        match with_tables(&text, &tables(module)?) {
            Ok(written) if written == text => {}
            Ok(_) => problems
                .push(format!("{}: the tables are stale: run `cargo xtask module-docs`", shown(&readme))),
            Err(e) => problems.push(format!("{}: {e}", shown(&readme))),
        }
    }
    if !problems.is_empty() {
        return Err(anyhow!("module READMEs:\n  {}", problems.join("\n  ")));
    }
    println!("    {} module READMEs: inputs, outputs and example as the code says", modules.len());
    Ok(())
}

fn modules() -> Result<Vec<PathBuf>> {
    let dir = emulator::repo_root().join("terraform/modules");
    let mut modules: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| anyhow!("cannot list {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.join("variables.tf").is_file())
        .collect();
    modules.sort();
    Ok(modules)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))
}

fn shown(path: &Path) -> String {
    path.strip_prefix(emulator::repo_root()).unwrap_or(path).display().to_string()
}

/// The generated part of a module's README.
fn tables(module: &Path) -> Result<String> {
    let variables = declared(&read(&module.join("variables.tf"))?, "variable");
    let outputs = declared(&read(&module.join("outputs.tf"))?, "output");
    let mut text =
        String::from("## Inputs\n\n| name | type | default | description |\n| --- | --- | --- | --- |\n");
    for variable in &variables {
        let default = variable.default.as_deref().map_or("required".to_owned(), |d| format!("`{d}`"));
        text += &format!(
            "| `{}` | `{}` | {default} | {} |\n",
            variable.name,
            variable.kind,
            cell(&variable.description)
        );
    }
    text += "\n## Outputs\n\n| name | description |\n| --- | --- |\n";
    for output in &outputs {
        text += &format!("| `{}` | {} |\n", output.name, cell(&output.description));
    }
    let name = module.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let root = emulator::repo_root().join("terraform/main.tf");
    let calls = calls(&read(&root)?, name);
    if calls.is_empty() {
        return Err(anyhow!(
            "terraform/main.tf does not call modules/{name}: a module README's example is that call"
        ));
    }
    text +=
        &format!("\n## Example\n\nAs `terraform/main.tf` calls it:\n\n```hcl\n{}\n```\n", calls.join("\n\n"));
    Ok(text)
}

/// The `module` blocks of `main_tf` whose source is `./modules/<name>`, each with the comment
/// lines just above it.
fn calls(main_tf: &str, name: &str) -> Vec<String> {
    let source = format!("  source = \"./modules/{name}\"");
    let lines: Vec<&str> = main_tf.lines().collect();
    let mut calls = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        if !line.starts_with("module \"") {
            continue;
        }
        let Some(length) = lines[start..].iter().position(|line| *line == "}") else { continue };
        let block = &lines[start..=start + length];
        if !block.iter().any(|line| line.split_whitespace().eq(source.split_whitespace())) {
            continue;
        }
        let comments = lines[..start].iter().rev().take_while(|line| line.starts_with('#')).count();
        calls.push(lines[start - comments..=start + length].join("\n"));
    }
    calls
}

/// A description as a table cell: `|` ends a cell, and `<prefix>` would be read as HTML.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;")
}

/// `text` with its generated part replaced by `tables`.
fn with_tables(text: &str, tables: &str) -> std::result::Result<String, String> {
    let (before, rest) = text.split_once(BEGIN).ok_or(format!("no {BEGIN} line"))?;
    let (_, after) = rest.split_once(END).ok_or(format!("no {END} line"))?;
    Ok(format!("{before}{BEGIN}\n{tables}{END}{after}"))
}

/// The `kind` blocks (`variable` or `output`) of a `.tf` file, in order.
fn declared(tf: &str, kind: &str) -> Vec<Declared> {
    let mut found = Vec::new();
    let mut lines = tf.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix(&format!("{kind} \"")).and_then(|rest| rest.strip_suffix("\" {"))
        else {
            continue;
        };
        let body: Vec<&str> = lines.by_ref().take_while(|line| *line != "}").collect();
        let argument = |key: &str| argument(&body, key);
        found.push(Declared {
            name: name.to_owned(),
            description: argument("description").map(|d| unquoted(&d)).unwrap_or_default(),
            kind: argument("type").unwrap_or_default(),
            default: argument("default"),
        });
    }
    found
}

/// The value of the block argument `key` (indented two spaces), on one line: a value that
/// spans lines (a list, an object type) is joined up to its closing bracket; a comment is cut.
fn argument(body: &[&str], key: &str) -> Option<String> {
    let start = body.iter().position(|line| {
        line.strip_prefix("  ")
            .and_then(|line| line.strip_prefix(key))
            .is_some_and(|rest| rest.trim_start().starts_with('=') && !line.starts_with("   "))
    })?;
    let first = body[start].split_once('=').map(|(_, value)| value.trim()).unwrap_or_default();
    let mut value = without_comment(first).to_owned();
    let mut depth = brackets(&value);
    for line in &body[start + 1..] {
        if depth <= 0 {
            break;
        }
        let line = without_comment(line.trim()).split_whitespace().collect::<Vec<_>>().join(" ");
        let line = line.as_str();
        let joiner = if value.ends_with(['(', '{', '[', ',']) || line.starts_with([')', '}', ']']) {
            " "
        } else {
            ", "
        };
        value = format!("{value}{joiner}{line}");
        depth += brackets(line);
    }
    Some(value)
}

fn brackets(text: &str) -> i32 {
    text.chars()
        .map(|c| match c {
            '(' | '{' | '[' => 1,
            ')' | '}' | ']' => -1,
            _ => 0,
        })
        .sum()
}

/// A line without its `#` comment (a `#` inside a string is kept).
fn without_comment(line: &str) -> &str {
    let mut quoted = false;
    for (at, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return line[..at].trim_end(),
            _ => {}
        }
    }
    line
}

fn unquoted(value: &str) -> String {
    value.trim_matches('"').replace("\\\"", "\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARIABLES: &str = r#"variable "name" {
  description = "Name of the \"queue\"."
  type        = string
}

variable "actions" {
  description = "Actions | allowed."
  type        = list(string)
  default     = ["dynamodb:GetItem"] # the steps'

  validation {
    condition     = length(var.actions) > 0
    error_message = "Name one."
  }
}

variable "packages" {
  description = "The zips."
  type = object({
    producer = string
    consumer = string
  })
}
"#;

    #[test]
    fn variables_are_read_with_their_type_default_and_description() {
        let found = declared(VARIABLES, "variable");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].description, "Name of the \"queue\".");
        assert_eq!(found[0].default, None);
        assert_eq!(found[1].default.as_deref(), Some("[\"dynamodb:GetItem\"]"));
        assert_eq!(found[1].kind, "list(string)");
        assert_eq!(found[2].kind, "object({ producer = string, consumer = string })");
        let tables = format!("{BEGIN}\n{END}\n");
        assert!(with_tables(&tables, "x\n").unwrap().contains("x\n"));
    }

    #[test]
    fn a_stale_or_markerless_readme_is_told_apart() {
        assert!(with_tables("# m\n", "t\n").unwrap_err().contains("BEGIN_TF_DOCS"));
        let readme = format!("# m\n\nprose\n\n{BEGIN}\nold\n{END}\n\n## Example\n");
        assert_eq!(
            with_tables(&readme, "new\n").unwrap(),
            format!("# m\n\nprose\n\n{BEGIN}\nnew\n{END}\n\n## Example\n")
        );
    }

    #[test]
    fn the_example_is_the_roots_call_with_its_comment() {
        let main_tf = "module \"a\" {\n  source = \"./modules/sqs\"\n}\n\n# The books.\n# Twice.\nmodule \"b\" {\n  source = \"./modules/dynamodb\"\n\n  table_name = \"x\"\n}\n";
        assert_eq!(
            calls(main_tf, "dynamodb"),
            [
                "# The books.\n# Twice.\nmodule \"b\" {\n  source = \"./modules/dynamodb\"\n\n  table_name = \"x\"\n}"
            ]
        );
        assert_eq!(calls(main_tf, "iam"), Vec::<String>::new());
    }
}
