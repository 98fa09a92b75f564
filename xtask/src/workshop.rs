//! `cargo xtask start NN` and `cargo xtask check NN`: the learner's working copy, `workshop/`.
//!
//! The exercises at the end of chapter NN-1 build step NN's code. `start NN` puts step NN-1's
//! code into `workshop/` (a workspace member with a fixed package name, so Cargo, rust-analyzer
//! and the shared `target/` never notice the swap); `check NN` brings step NN's tests into it
//! and runs them, printing which pass and what to read next. The steps' own crates are the
//! solutions. Nothing else is recorded: the working copy is the only state.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::progress::{Result, cargo};
use crate::stack::{files_of, find_step, step_package, steps};

/// The package name, and the directory under the repository root.
pub const WORKSHOP: &str = "workshop";

/// What `check` brings from the step it checks: its tests and the events they read. The rest
/// (sources, Terraform, the step's notes) is the learner's to write.
const FROM_THE_STEP_CHECKED: [&str; 2] = ["tests", "events"];

fn workshop_dir() -> PathBuf {
    emulator::repo_root().join(WORKSHOP)
}

/// `cargo xtask start NN`: step NN-1's code in `workshop/`, and the manifest step NN needs.
pub fn start(step: &str) -> Result {
    let (previous, dir) = previous_and_step(step)?;
    let previous = previous.ok_or_else(|| {
        format!("chapter {step} has no exercise before it: read it, then run `cargo xtask start 02`")
    })?;
    let workshop = workshop_dir();
    if let Some(backup) = back_up(&workshop)? {
        println!("    your previous working copy is in {}", backup.display());
    }
    fill(&previous, &dir, &workshop)?;
    let chapter = chapter(&previous);
    println!(
        "workshop/ now holds step {previous_number}'s code. Do the exercises of {chapter} (\"Your turn\"),\n\
         then run `cargo xtask check {step}` as often as you like: it runs step {step}'s tests against\n\
         workshop/. Stuck? The solution is {solution}.",
        previous_number = number(&previous),
        solution = relative(&dir).display(),
    );
    Ok(())
}

/// Replaces the working copy with `previous`'s files and the manifest `step` needs.
fn fill(previous: &Path, step: &Path, workshop: &Path) -> Result {
    clear(workshop)?;
    for entry in files_of(previous)? {
        if entry != Path::new("Cargo.toml") {
            copy_renamed(previous, &entry, workshop)?;
        }
    }
    write_manifest(step, workshop)
}

/// `cargo xtask check NN`: step NN's tests against `workshop/`; fails unless every one passes.
pub fn check(step: &str) -> Result {
    let (previous, dir) = previous_and_step(step)?;
    let workshop = workshop_dir();
    if !workshop.join("Cargo.toml").is_file() {
        return Err(format!("there is no {WORKSHOP}/ here: run `cargo xtask start {step}` first"));
    }
    for name in FROM_THE_STEP_CHECKED {
        remove(&workshop.join(name))?;
        if dir.join(name).is_dir() {
            for entry in files_of(&dir)?.iter().filter(|entry| entry.starts_with(name)) {
                copy_renamed(&dir, entry, &workshop)?;
            }
        }
    }
    write_manifest(&dir, &workshop)?;
    println!("==> check {step}: the tests of {} against workshop/\n", relative(&dir).display());
    let results = run_tests()?;
    let passed = results.iter().filter(|result| result.passed).count();
    let exercises = previous.as_deref().map(chapter).unwrap_or_else(|| chapter(&dir));
    println!("\n==> check {step}");
    for result in &results {
        println!("    {}  {}", if result.passed { "ok    " } else { "FAILED" }, result.name);
    }
    if results.is_empty() {
        return Err(format!(
            "workshop/ does not build with step {step}'s tests yet (the compiler's errors are above).\n\
             The exercises are in {exercises} (\"Your turn\"); the solution is {}.",
            relative(&dir).display()
        ));
    }
    if passed < results.len() {
        return Err(format!(
            "{passed} of {} tests pass. The failures say what they expected (above); the exercises are\n\
             in {exercises} (\"Your turn\"); the tests are in workshop/tests/, the solution is {}.",
            results.len(),
            relative(&dir).display()
        ));
    }
    let next = steps().into_iter().skip_while(|other| other != &dir).nth(1);
    println!("\nAll {} tests of step {step} pass.", results.len());
    match next {
        Some(next) => println!(
            "Read {} to compare your code with the step's, then its \"Your turn\" and\n\
             `cargo xtask start {}`.",
            chapter(&dir),
            number(&next)
        ),
        None => println!(
            "That was the last step. Read {}, then book/src/production.md: what final/ adds.",
            chapter(&dir)
        ),
    }
    Ok(())
}

/// One test's outcome, as libtest printed it.
#[derive(Debug, PartialEq)]
struct TestResult {
    name: String,
    passed: bool,
}

/// Runs the workshop's tests, echoing their output, and collects each one's outcome; an empty
/// list means they did not build.
fn run_tests() -> Result<Vec<TestResult>> {
    let mut child = cargo(emulator::repo_root())
        .args(["test", "--package", WORKSHOP, "--no-fail-fast", "--color", "never"])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start cargo test: {e}"))?;
    let mut results = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        results.extend(parse_test_line(&line));
    }
    child.wait().map_err(|e| e.to_string())?;
    Ok(results)
}

/// `test store::a_book_is_stored ... ok` → the test and whether it passed.
fn parse_test_line(line: &str) -> Option<TestResult> {
    let (name, outcome) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
    let passed = match outcome.trim() {
        "ok" => true,
        "FAILED" => false,
        _ => return None,
    };
    Some(TestResult { name: name.to_owned(), passed })
}

/// Step `NN` and the step before it, if any.
fn previous_and_step(step: &str) -> Result<(Option<PathBuf>, PathBuf)> {
    if step.len() != 2 || !step.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("a step is two digits, like 02, not {step:?}"));
    }
    let dir = find_step(step)?;
    let previous = steps().into_iter().take_while(|other| other != &dir).last();
    Ok((previous, dir))
}

/// `steps/03-iam` → `03`.
fn number(step: &Path) -> String {
    step.file_name().unwrap_or_default().to_string_lossy().chars().take(2).collect()
}

/// The chapter of a step: `steps/03-iam` → `book/src/03-iam.md`.
fn chapter(step: &Path) -> String {
    format!("book/src/{}.md", step.file_name().unwrap_or_default().to_string_lossy())
}

fn relative(path: &Path) -> &Path {
    path.strip_prefix(emulator::repo_root()).unwrap_or(path)
}

/// Copies one file of `step` into the workshop, with the step's names made the workshop's.
fn copy_renamed(step: &Path, file: &Path, workshop: &Path) -> Result {
    let to = workshop.join(file);
    std::fs::create_dir_all(to.parent().expect("a file has a parent")).map_err(|e| e.to_string())?;
    let from = step.join(file);
    let text = std::fs::read_to_string(&from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let mut text = renamed(&text, step);
    if file.extension().is_some_and(|ext| ext == "tf") {
        // steps/NN-*/terraform is one level deeper than workshop/terraform.
        text = text.replace("../../../", "../../");
    }
    std::fs::write(&to, text).map_err(|e| format!("cannot write {}: {e}", to.display()))
}

/// `text` of `step` with the step's names (directory, package, crate, binary and resource
/// prefix) replaced by the workshop's.
fn renamed(text: &str, step: &Path) -> String {
    let package = step_package(step);
    let dir = step.file_name().unwrap_or_default().to_string_lossy().into_owned();
    [format!("steps/{dir}"), package.clone(), package.replace('-', "_"), format!("step{}", number(step))]
        .iter()
        .fold(text.to_owned(), |text, name| text.replace(name, WORKSHOP))
}

/// Step `step`'s manifest, renamed: every crate the chapter needs, and only the binaries whose
/// sources the workshop has (Cargo refuses a binary without its file).
fn write_manifest(step: &Path, workshop: &Path) -> Result {
    let from = step.join("Cargo.toml");
    let text = std::fs::read_to_string(&from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let manifest = workshop_manifest(&renamed(&text, step), |path| workshop.join(path).is_file());
    let to = workshop.join("Cargo.toml");
    std::fs::write(&to, manifest).map_err(|e| format!("cannot write {}: {e}", to.display()))
}

fn workshop_manifest(manifest: &str, exists: impl Fn(&str) -> bool) -> String {
    let mut sections: Vec<String> = Vec::new();
    for line in manifest.lines() {
        if line.starts_with('[') || sections.is_empty() {
            sections.push(String::new());
        }
        let section = sections.last_mut().expect("one section at least");
        if line.starts_with("description = ") {
            section.push_str(
                "description = \"Your working copy of the workshop, written by `cargo xtask start` and `cargo xtask check`.\"\n",
            );
        } else {
            section.push_str(line);
            section.push('\n');
        }
        if line == "[package]" {
            // A file under src/bin/ becomes a binary only once `check` declares it.
            section.push_str("autobins = false\n");
        }
    }
    sections
        .into_iter()
        .filter(|section| {
            !section.starts_with("[[bin]]")
                || section
                    .lines()
                    .find_map(|line| line.strip_prefix("path = "))
                    .is_some_and(|path| exists(path.trim_matches('"')))
        })
        .collect::<String>()
        .replace("\n\n\n", "\n\n")
}

/// Keeps a copy of a working copy that has anything in it, under `target/workshop-backups/`.
fn back_up(workshop: &Path) -> Result<Option<PathBuf>> {
    let src = workshop.join("src");
    if !src.is_dir() {
        return Ok(None);
    }
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let backup = emulator::repo_root().join("target").join("workshop-backups").join(seconds.to_string());
    for file in files_of(workshop)? {
        let to = backup.join(&file);
        std::fs::create_dir_all(to.parent().expect("a parent")).map_err(|e| e.to_string())?;
        std::fs::copy(workshop.join(&file), &to)
            .map_err(|e| format!("cannot back up {}: {e}", file.display()))?;
    }
    Ok(Some(backup))
}

/// Empties the working copy, keeping it a directory.
fn clear(workshop: &Path) -> Result {
    std::fs::create_dir_all(workshop).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(workshop).map_err(|e| e.to_string())? {
        remove(&entry.map_err(|e| e.to_string())?.path())?;
    }
    Ok(())
}

fn remove(path: &Path) -> Result {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else if path.exists() {
        std::fs::remove_file(path)
    } else {
        Ok(())
    };
    removed.map_err(|e| format!("cannot remove {}: {e}", path.display()))
}

/// The learner's flow, for `cargo xtask test`: for each step given, `check` must fail on what
/// `start` gives (so it checks something) and pass once the step's own sources and Terraform
/// are copied in (so a learner who did the exercises gets through). `workshop/` is put back
/// as it was, whatever happens.
pub fn self_test(steps_to_check: &[&str]) -> Result {
    let workshop = workshop_dir();
    let saved = files_of(&workshop)?
        .into_iter()
        .map(|file| std::fs::read(workshop.join(&file)).map(|bytes| (file, bytes)))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| format!("cannot read workshop/: {e}"))?;
    let outcome = steps_to_check.iter().try_for_each(|step| {
        let (previous, dir) = previous_and_step(step)?;
        fill(&previous.ok_or(format!("step {step} has no step before it"))?, &dir, &workshop)?;
        if check(step).is_ok() {
            return Err(format!("check {step} passed on step {step}'s starting point: it checks nothing"));
        }
        for file in
            files_of(&dir)?.iter().filter(|file| file.starts_with("src") || file.starts_with("terraform"))
        {
            copy_renamed(&dir, file, &workshop)?;
        }
        check(step).map_err(|e| format!("check {step} failed on step {step}'s own code: {e}"))
    });
    clear(&workshop)?;
    for (file, bytes) in saved {
        let to = workshop.join(&file);
        std::fs::create_dir_all(to.parent().expect("a parent")).map_err(|e| e.to_string())?;
        std::fs::write(&to, bytes).map_err(|e| format!("cannot restore {}: {e}", to.display()))?;
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_renamed_to_the_workshop() {
        let step = Path::new("/repo/steps/04-lambdas");
        let text = "use step04_lambdas::consumer;\nname = \"step04-lambdas\"\nname = \"step04-producer\"\n\
                    \"steps/04-lambdas/terraform\"\ndefault = \"step04\"";
        assert_eq!(
            renamed(text, step),
            "use workshop::consumer;\nname = \"workshop\"\nname = \"workshop-producer\"\n\
             \"workshop/terraform\"\ndefault = \"workshop\""
        );
    }

    #[test]
    fn the_manifest_keeps_only_the_binaries_the_workshop_has() {
        let manifest = "[package]\nname = \"workshop\"\ndescription = \"Workshop step 04\"\n\n\
                        [[bin]]\nname = \"workshop-producer\"\npath = \"src/bin/producer.rs\"\n\n\
                        [[bin]]\nname = \"workshop-local\"\npath = \"src/bin/local.rs\"\n\n\
                        [dependencies]\nserde.workspace = true\n";
        let written = workshop_manifest(manifest, |path| path == "src/bin/local.rs");
        assert!(
            written.starts_with("[package]\nautobins = false\nname = \"workshop\"\ndescription = \"Your")
        );
        assert!(!written.contains("producer"), "{written}");
        assert!(
            written.contains(
                "[[bin]]\nname = \"workshop-local\"\npath = \"src/bin/local.rs\"\n\n[dependencies]"
            )
        );
    }

    #[test]
    fn test_lines_are_read_as_libtest_prints_them() {
        assert_eq!(
            parse_test_line("test a_book_is_stored ... ok"),
            Some(TestResult { name: "a_book_is_stored".into(), passed: true })
        );
        assert_eq!(
            parse_test_line("test book::tests::isbn ... FAILED"),
            Some(TestResult { name: "book::tests::isbn".into(), passed: false })
        );
        assert_eq!(parse_test_line("test result: ok. 3 passed"), None);
        assert_eq!(parse_test_line("test slow ... ignored"), None);
    }
}
