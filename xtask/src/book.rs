//! The book: `cargo xtask book` serves it, and `cargo xtask test` checks that it cannot lie
//! about the code.
//!
//! Code reaches the book only through `{{#include file:anchor}}`, so the checks are: every
//! include names a file that exists and an anchor that yields lines; no Rust, HCL or TOML is
//! pasted into a chapter; every test, function or variable the prose quotes by name still
//! exists; the book builds with the pinned mdBook; every link inside the built
//! book lands on a page and a heading that exist; and every shell command a chapter shows names
//! an xtask command xtask accepts, a package and test target the workspace has, and files that
//! exist. (mdbook-linkcheck would do the links, but it does not work with mdBook 0.5.)

use anyhow::anyhow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::progress::{Result, output, run_command};
use crate::setup::Tools;

/// Where `cargo xtask book` serves the book: not 3000, which the local API takes.
const PORT: u16 = 8000;

/// Languages whose code must come from the repository, never be pasted.
const INCLUDED_ONLY: [&str; 5] = ["rust", "hcl", "terraform", "toml", "diff"];

fn book_dir() -> PathBuf {
    emulator::repo_root().join("book")
}

/// `mdbook`, with the preprocessors it runs on `PATH`.
fn mdbook(tools: &Tools) -> Command {
    let mut command = Command::new(tools.tools_bin.join("mdbook"));
    let path = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(tools.tools_bin.clone()).chain(std::env::split_paths(&path));
    command.env("PATH", std::env::join_paths(paths).unwrap_or(path)).current_dir(emulator::repo_root());
    command
}

/// The mermaid script the diagrams need, written from the pinned mdbook-mermaid every time (it
/// is not committed: it comes with the tool and changes with it). Quiet unless it fails: it
/// prints its getting-started instructions every time.
fn install_mermaid(tools: &Tools) -> Result {
    output(Command::new(tools.tools_bin.join("mdbook-mermaid")).arg("install").arg(book_dir())).map(drop)
}

/// `cargo xtask book`: the book on <http://127.0.0.1:8000>, rebuilt on every save.
pub fn serve(tools: &Tools) -> Result {
    install_mermaid(tools)?;
    if !emulator::port_is_free(PORT) {
        return Err(anyhow!(
            "port {PORT} is already in use: stop what holds it (another `cargo xtask book`?)"
        ));
    }
    println!("The book is at http://127.0.0.1:{PORT} (Ctrl-C stops it).");
    run_command(mdbook(tools).args(["serve", "book", "--hostname", "127.0.0.1", "--port", &PORT.to_string()]))
}

/// Every check of the book, then a build with the pinned mdBook and a check of its links.
pub fn check(tools: &Tools) -> Result {
    let chapters = chapters()?;
    let names = code_names();
    let packages = crate::features::members()?;
    let mut problems = Vec::new();
    for chapter in &chapters {
        let text = read(chapter)?;
        let name = chapter.strip_prefix(emulator::repo_root()).unwrap_or(chapter).display().to_string();
        problems.extend(check_includes(chapter, &text).into_iter().map(|p| format!("{name}: {p}")));
        problems.extend(check_pasted_code(&text).into_iter().map(|p| format!("{name}: {p}")));
        let expanded = expand_includes(chapter, &text);
        problems.extend(check_commands(&expanded, &packages).into_iter().map(|p| format!("{name}: {p}")));
        problems.extend(check_names(&text, &names).into_iter().map(|p| format!("{name}: {p}")));
    }
    if !problems.is_empty() {
        return Err(anyhow!("the book's sources:\n  {}", problems.join("\n  ")));
    }
    install_mermaid(tools)?;
    run_command(mdbook(tools).args(["build", "book"]))?;
    let built = emulator::repo_root().join("target").join("book");
    let problems = check_links(&built)?;
    if problems.is_empty() {
        println!("    {} chapters: includes, code, commands and links checked", chapters.len());
        Ok(())
    } else {
        Err(anyhow!("the built book's links:\n  {}", problems.join("\n  ")))
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))
}

/// The chapters' Markdown files.
fn chapters() -> Result<Vec<PathBuf>> {
    let dir = book_dir().join("src");
    let mut chapters: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| anyhow!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    chapters.sort();
    Ok(chapters)
}

/// Each `{{#include path[:anchor]}}` of a chapter: (the whole directive, path, anchor).
fn includes(text: &str) -> Vec<(&str, &str, Option<&str>)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#include ") {
        let Some(length) = rest[start..].find("}}") else { break };
        let directive = &rest[start..start + length + 2];
        let argument = directive["{{#include ".len()..directive.len() - 2].trim();
        let (path, anchor) = match argument.split_once(':') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (argument, None),
        };
        found.push((directive, path, anchor));
        rest = &rest[start + length + 2..];
    }
    found
}

/// The lines an anchor yields, as mdBook takes them: between `ANCHOR: name` and
/// `ANCHOR_END: name`, without the lines of other anchors.
fn anchored<'t>(text: &'t str, anchor: &str) -> Option<Vec<&'t str>> {
    let is_marker = |line: &str, marker: &str| {
        line.split_once(marker).is_some_and(|(_, name)| {
            name.trim().split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).next() == Some(anchor)
        })
    };
    let mut lines = text.lines();
    lines.by_ref().find(|line| is_marker(line, "ANCHOR:"))?;
    let mut taken = Vec::new();
    for line in lines {
        if is_marker(line, "ANCHOR_END:") {
            return Some(taken);
        }
        if !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:") {
            taken.push(line);
        }
    }
    None
}

fn check_includes(chapter: &Path, text: &str) -> Vec<String> {
    let dir = chapter.parent().unwrap_or(Path::new("."));
    let mut problems = Vec::new();
    for (directive, path, anchor) in includes(text) {
        let Ok(included) = std::fs::read_to_string(dir.join(path)) else {
            problems.push(format!("{directive} names a file that does not exist"));
            continue;
        };
        match anchor {
            None if included.trim().is_empty() => {
                problems.push(format!("{directive} includes an empty file"))
            }
            None => {}
            Some(anchor) if anchor.chars().all(|c| c.is_ascii_digit() || c == ':') => {
                problems.push(format!("{directive} includes by line numbers, which drift: use an anchor"))
            }
            Some(anchor) => match anchored(&included, anchor) {
                None => problems
                    .push(format!("{directive}: the file has no anchor `{anchor}` (or no ANCHOR_END)")),
                Some(lines) if lines.iter().all(|line| line.trim().is_empty()) => {
                    problems.push(format!("{directive}: the anchor `{anchor}` yields nothing"))
                }
                Some(_) => {}
            },
        }
    }
    problems
}

/// Fenced code blocks: (info string, lines).
fn code_blocks(text: &str) -> Vec<(&str, Vec<&str>)> {
    let mut blocks = Vec::new();
    let mut open: Option<(&str, Vec<&str>)> = None;
    for line in text.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => open = Some((info.trim(), Vec::new())),
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some((_, lines)), None) => lines.push(line),
            (None, None) => {}
        }
    }
    blocks
}

fn check_pasted_code(text: &str) -> Vec<String> {
    code_blocks(text)
        .into_iter()
        .filter(|(info, _)| INCLUDED_ONLY.contains(&info.split(',').next().unwrap_or_default()))
        .filter(|(_, lines)| {
            lines.iter().any(|line| !line.trim().is_empty() && !line.trim().starts_with("{{#include "))
        })
        .map(|(info, lines)| {
            format!(
                "a ```{info} block is pasted, not included (it starts `{}`)",
                lines.first().unwrap_or(&"").trim()
            )
        })
        .collect()
}

/// A chapter with its includes replaced by what they include, for the commands check.
fn expand_includes(chapter: &Path, text: &str) -> String {
    let dir = chapter.parent().unwrap_or(Path::new("."));
    includes(text).into_iter().fold(text.to_owned(), |expanded, (directive, path, anchor)| {
        let included = std::fs::read_to_string(dir.join(path)).unwrap_or_default();
        let replacement = match anchor {
            Some(anchor) => anchored(&included, anchor).unwrap_or_default().join("\n"),
            None => included,
        };
        expanded.replacen(directive, &replacement, 1)
    })
}

/// The commands of a chapter's shell blocks, continuation lines joined, comments left out.
fn shell_commands(text: &str) -> Vec<String> {
    let mut commands = Vec::new();
    for (info, lines) in code_blocks(text) {
        if !matches!(info, "sh" | "bash" | "shell") {
            continue;
        }
        let mut pending = String::new();
        for line in lines {
            let line = line.split(" #").next().unwrap_or_default().trim();
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            match line.strip_suffix('\\') {
                Some(start) => pending.push_str(start),
                None => {
                    pending.push_str(line);
                    commands.push(std::mem::take(&mut pending));
                }
            }
        }
    }
    commands
}

/// Top-level directories whose paths a command may name; they must exist.
const REPOSITORY_DIRS: [&str; 8] =
    ["steps/", "final/", "book/", "terraform/", "xtask/", "workshop/", "local/", ".venv/"];

/// `packages`: every workspace member, (name, directory).
fn check_commands(text: &str, packages: &[(String, PathBuf)]) -> Vec<String> {
    let root = emulator::repo_root();
    let mut problems = Vec::new();
    for command in shell_commands(text) {
        let words: Vec<String> = command
            .split_whitespace()
            .map(|word| word.trim_matches(|c| c == '\'' || c == '"').to_owned())
            .collect();
        let mut fail = |why: String| problems.push(format!("`{command}`: {why}"));
        if let Some(at) = words.windows(2).position(|pair| pair == ["cargo", "xtask"]) {
            let args: Vec<String> = words[at + 2..]
                .iter()
                .take_while(|word| !matches!(word.as_str(), "&&" | ";" | "|"))
                .cloned()
                .collect();
            if let Err(why) = crate::parse(&args) {
                fail(why.lines().next().unwrap_or_default().to_owned());
            }
            if let Some(step) = args.windows(2).find(|pair| pair[0] == "--step").map(|pair| &pair[1])
                && let Err(why) = crate::stack::find_step(step)
            {
                fail(why.to_string());
            }
        }
        if words.windows(2).any(|pair| pair == ["cargo", "test"]) {
            let package =
                words.windows(2).find(|pair| pair[0] == "-p" || pair[0] == "--package").map(|pair| &pair[1]);
            match package.map(|name| packages.iter().find(|(package, _)| package == name)) {
                Some(None) => fail(format!("no package {} in the workspace", package.expect("matched"))),
                Some(Some((_, dir))) => {
                    if let Some(test) = words.windows(2).find(|pair| pair[0] == "--test").map(|pair| &pair[1])
                        && !dir.join("tests").join(format!("{test}.rs")).is_file()
                    {
                        fail(format!("the package has no test target {test}"));
                    }
                }
                None => {}
            }
        }
        for word in &words {
            if REPOSITORY_DIRS.iter().any(|dir| word.starts_with(dir)) && !root.join(word).exists() {
                fail(format!("{word} does not exist"));
            }
        }
    }
    problems
}

/// The names prose may quote from the code: every Rust `fn` and every Terraform `variable` and
/// `output` of the repository's crates and roots.
fn code_names() -> BTreeSet<String> {
    let root = emulator::repo_root();
    let mut names = BTreeSet::new();
    for dir in ["steps", "final", "local", "terraform", "xtask", "emulator"].map(|dir| root.join(dir)) {
        for file in crate::stack::files_of(&dir).unwrap_or_default() {
            let text = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
            for line in text.lines().map(str::trim_start) {
                let line = line.trim_start_matches("pub ").trim_start_matches("async ");
                let name = match line.split_once(' ') {
                    Some(("fn", rest)) => rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next(),
                    Some(("variable" | "output", rest)) => rest.split('"').nth(1),
                    _ => None,
                };
                names.extend(name.map(str::to_owned));
            }
        }
    }
    names
}

/// A `snake_case_name` of four words or more, quoted in prose, is a test, function, variable or
/// output of the code; it must still exist.
fn check_names(text: &str, names: &BTreeSet<String>) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| {
            quoted.split('_').count() >= 4
                && quoted.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .filter(|quoted| !names.contains(*quoted))
        .map(|quoted| format!("`{quoted}` names no function, test, variable or output in the code"))
        .collect()
}

/// Every relative link in the built chapters' content must land on a page that exists and, if
/// it names one, on an element with that id.
fn check_links(built: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let pages: Vec<PathBuf> = std::fs::read_dir(built)
        .map_err(|e| anyhow!("cannot read {}: {e}", built.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "html") && !path.ends_with("print.html"))
        .collect();
    for page in &pages {
        let html = read(page)?;
        let content =
            html.split_once("<main>").map_or("", |(_, rest)| rest.split("</main>").next().unwrap_or(""));
        let name = page.file_name().unwrap_or_default().to_string_lossy().into_owned();
        for href in attribute_values(content, "href") {
            if href.contains("://") || href.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) =
                href.split_once('#').map_or((href.as_str(), None), |(f, id)| (f, Some(id)));
            let target =
                if file.is_empty() { page.clone() } else { page.parent().unwrap_or(built).join(file) };
            let Ok(target_html) = std::fs::read_to_string(&target) else {
                problems.push(format!("{name}: a link to {href}, which is not a page of the book"));
                continue;
            };
            if let Some(id) = fragment
                && !attribute_values(&target_html, "id").contains(id)
            {
                problems.push(format!("{name}: a link to {href}, whose page has no heading #{id}"));
            }
        }
    }
    Ok(problems)
}

fn attribute_values(html: &str, attribute: &str) -> BTreeSet<String> {
    let marker = format!(" {attribute}=\"");
    html.split(&marker).skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_yields_its_lines_without_other_markers() {
        let text = "a\n// ANCHOR: all\nb\n// ANCHOR: inner\nc\n// ANCHOR_END: inner\n// ANCHOR_END: all\n";
        assert_eq!(anchored(text, "all"), Some(vec!["b", "c"]));
        assert_eq!(anchored(text, "inner"), Some(vec!["c"]));
        assert_eq!(anchored(text, "al"), None);
        assert_eq!(anchored("# ANCHOR: open\nx\n", "open"), None);
    }

    #[test]
    fn an_include_of_a_missing_file_or_anchor_or_an_empty_anchor_is_a_problem() {
        let dir = std::env::temp_dir().join(format!("xtask-book-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let code =
            "// ANCHOR: full\nfn x() {}\n// ANCHOR_END: full\n// ANCHOR: empty\n\n// ANCHOR_END: empty\n";
        std::fs::write(dir.join("code.rs"), code).expect("a file");
        let text = "{{#include code.rs:full}}\n{{#include code.rs:empty}}\n{{#include code.rs:nope}}\n\
                    {{#include gone.rs}}\n{{#include code.rs:2:3}}\n";
        let problems = check_includes(&dir.join("chapter.md"), text);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        for (problem, expected) in
            problems.iter().zip(["yields nothing", "no anchor `nope`", "does not exist", "line numbers"])
        {
            assert!(problem.contains(expected), "{problem}");
        }
    }

    #[test]
    fn quoted_names_must_exist_in_the_code() {
        let names = BTreeSet::from(["a_test_that_exists".to_owned()]);
        let text = "`a_test_that_exists`, `a_test_that_was_renamed`, `short_name`, `cargo xtask test`";
        assert_eq!(check_names(text, &names).len(), 1);
        assert!(code_names().contains("the_message_is_a_versioned_envelope"), "Rust tests are found");
        assert!(code_names().contains("queue_visibility_timeout_seconds"), "Terraform variables are found");
    }

    #[test]
    fn includes_are_found_with_their_anchors() {
        let text = "x {{#include ../a.rs:one}} y\n{{#include b.diff}}";
        assert_eq!(
            includes(text),
            vec![
                ("{{#include ../a.rs:one}}", "../a.rs", Some("one")),
                ("{{#include b.diff}}", "b.diff", None)
            ]
        );
    }

    #[test]
    fn pasted_code_is_refused_and_included_code_is_not() {
        let text =
            "```rust,ignore\n{{#include a.rs:x}}\n```\n```hcl\nresource \"x\" {}\n```\n```sh\nls\n```\n";
        let problems = check_pasted_code(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("```hcl"));
    }

    #[test]
    fn shell_commands_join_continuations_and_drop_comments() {
        let text = "```sh\n# a comment\ncurl -X POST \\\n  http://x   # says 202\nls\n```\n";
        assert_eq!(shell_commands(text), vec!["curl -X POST http://x", "ls"]);
    }

    #[test]
    fn commands_that_would_not_work_are_named() {
        let text = "```sh\ncargo xtask start 02\ncargo xtask strat 02\ncargo xtask local --step 42\n\
                    cargo test -p step03-iam --test iam\ncargo test -p step03-iam --test nope\n\
                    cargo test -p nope\ncat steps/nope.rs\n```\n";
        let problems = check_commands(text, &crate::features::members().expect("cargo metadata"));
        assert_eq!(problems.len(), 5, "{problems:#?}");
        for (problem, expected) in
            problems.iter().zip(["strat", "step 42", "--test nope", "-p nope", "steps/nope.rs"])
        {
            assert!(problem.contains(expected), "{problem}");
        }
    }
}
