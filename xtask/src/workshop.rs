//! `cargo xtask start | check | solve NN`: the learner's working copy, `workshop/`.
//!
//! Chapter NN teaches step NN and ends with its exercises. Each step is the single source of
//! its own exercise: the regions a learner writes are marked in the step's files,
//! `// ANCHOR: task_<id> <what to write>` … `// ANCHOR_END: task_<id>` (`#` in Terraform; mdBook
//! drops the marker lines when the book includes the solution), and the tasks, with the tests
//! that check each, are listed in the step's `Cargo.toml` under `[package.metadata.workshop]`.
//! The step compiles and passes as it is: it is the solution.
//!
//! - `start NN` writes step NN's code into `workshop/` with every region replaced: a Rust body
//!   by `todo!("<what to write>")`, a Terraform block by a comment saying what to add.
//! - `check NN` brings step NN's tests, runs them, and names the task of each failing test.
//! - `solve NN` writes step NN's own code.
//!
//! `workshop/` is a workspace member with a fixed package name and the same dependencies at
//! every step, so Cargo, rust-analyzer, the shared `target/` and `Cargo.lock` never notice a
//! swap. Each command backs up what it replaces under `.workshop-backups/` (not in `target/`,
//! which `cargo clean` wipes); nothing else outside `workshop/` changes.

use anyhow::{Context, anyhow};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use toml_edit::{DocumentMut, Item, Table, value};

use crate::progress::{Result, cargo, output};
use crate::stack::{files_of, find_step, step_package, steps};

/// The package name, and the directory under the repository root.
pub const WORKSHOP: &str = "workshop";

/// What `check` writes again from the step it checks, whatever the learner did to it: its
/// tests (and their snapshots).
const TESTS: &str = "tests";

/// Where the backups go: outside `target/`, so `cargo clean` keeps them.
const BACKUPS: &str = ".workshop-backups";

/// The line `start` puts at the top of each Rust file it leaves a `todo!()` in.
const ALLOW_UNUSED: &str = "// Until its todo!()s are written, this file's imports and parameters go unused: \
                            delete these two lines when they are.\n#![allow(unused)]";

fn workshop_dir() -> PathBuf {
    emulator::repo_root().join(WORKSHOP)
}

/// One exercise of a chapter, as the step's manifest lists it.
#[derive(Clone, Debug, PartialEq)]
struct Task {
    id: String,
    title: String,
    hint: String,
    /// The tests that check it (as libtest names them).
    tests: Vec<String>,
}

/// The tasks of a step, in the chapter's order, read with `cargo metadata`.
fn tasks_of(step: &Path) -> Result<Vec<Task>> {
    let metadata: Value = serde_json::from_str(&output(cargo(emulator::repo_root()).args([
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
    ]))?)
    .map_err(|e| anyhow!("cargo metadata: {e}"))?;
    let manifest = step.join("Cargo.toml");
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["manifest_path"].as_str().map(Path::new) == Some(&manifest))
        .with_context(|| format!("{} is not a workspace member", manifest.display()))?;
    let text = |task: &Value, field: &str| {
        task[field].as_str().map(str::to_owned).with_context(|| {
            format!("a task in {} has no `{field}` (package.metadata.workshop.tasks)", manifest.display())
        })
    };
    package["metadata"]["workshop"]["tasks"]
        .as_array()
        .with_context(|| format!("{} lists no [[package.metadata.workshop.tasks]]", manifest.display()))?
        .iter()
        .map(|task| {
            Ok(Task {
                id: text(task, "id")?,
                title: text(task, "title")?,
                hint: text(task, "hint")?,
                tests: task["tests"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|name| name.as_str().map(str::to_owned))
                    .collect(),
            })
        })
        .collect()
}

/// A marked exercise region of one file: lines `start..=end`, the two markers included.
#[derive(Debug, PartialEq)]
struct Region {
    task: String,
    todo: String,
    indent: String,
    start: usize,
    end: usize,
}

/// The comment a file's markers start with, for the kinds of file that hold exercises.
fn comment_of(file: &Path) -> Option<&'static str> {
    match file.extension()?.to_str()? {
        "rs" => Some("//"),
        "tf" => Some("#"),
        _ => None,
    }
}

/// The exercise regions of `text`, whose comments start with `comment`.
fn regions(text: &str, comment: &str) -> Result<Vec<Region>> {
    let start_marker = format!("{comment} ANCHOR: task_");
    let end_marker = format!("{comment} ANCHOR_END: task_");
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let Some(rest) = line.trim_start().strip_prefix(&start_marker) else {
            if line.trim_start().starts_with(&end_marker) {
                return Err(anyhow!("line {}: an ANCHOR_END: task_ without its ANCHOR", index + 1));
            }
            index += 1;
            continue;
        };
        let (name, todo) = rest.split_once(' ').unwrap_or((rest, ""));
        if todo.trim().is_empty() {
            return Err(anyhow!("line {}: the marker of task_{name} says nothing to do", index + 1));
        }
        let end = (index + 1..lines.len())
            .find(|&i| lines[i].trim() == format!("{end_marker}{name}"))
            .with_context(|| format!("line {}: task_{name} has no `{end_marker}{name}`", index + 1))?;
        found.push(Region {
            task: name.split('_').next().unwrap_or(name).to_owned(),
            todo: todo.trim().to_owned(),
            indent: line[..line.len() - line.trim_start().len()].to_owned(),
            start: index,
            end,
        });
        index = end + 1;
    }
    Ok(found)
}

/// `text` with every exercise region replaced: `todo!()` in Rust, a comment in Terraform.
fn skeleton(text: &str, comment: &str, tasks: &[Task]) -> Result<String> {
    let regions = regions(text, comment)?;
    if regions.is_empty() {
        return Ok(text.to_owned());
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut next = 0;
    for region in &regions {
        let task = tasks.iter().position(|task| task.id == region.task).with_context(|| {
            format!("task_{} is marked, but the step's manifest lists no such task", region.task)
        })?;
        out.extend(lines[next..region.start].iter().map(|line| line.to_string()));
        let indent = &region.indent;
        if comment == "//" {
            let literal = format!("{:?}", region.todo).replace('{', "{{").replace('}', "}}");
            out.push(format!("{indent}todo!({literal})"));
        } else {
            let title = &tasks[task].title;
            out.push(format!("{indent}# Task {} ({title}): {}", task + 1, region.todo));
        }
        next = region.end + 1;
    }
    out.extend(lines[next..].iter().map(|line| line.to_string()));
    if comment == "//" {
        // After the file's inner doc comment, where an inner attribute may go.
        let at = out.iter().take_while(|line| line.starts_with("//!")).count();
        out.insert(at, ALLOW_UNUSED.to_owned());
    }
    Ok(out.join("\n") + "\n")
}

/// Every exercise region of a step's files, with the comment its file's markers start with.
fn step_regions(step: &Path) -> Result<Vec<(&'static str, Region)>> {
    let mut found = Vec::new();
    for file in files_of(step)? {
        if let Some(comment) = comment_of(&file) {
            let path = step.join(&file);
            let regions = regions(&read(&path)?, comment).map_err(|e| anyhow!("{}: {e}", path.display()))?;
            found.extend(regions.into_iter().map(|region| (comment, region)));
        }
    }
    Ok(found)
}

/// `cargo xtask start NN`: step NN's code in `workshop/`, its tasks left to write.
pub fn start(step: &str) -> Result {
    let dir = find_step_number(step)?;
    let tasks = tasks_of(&dir)?;
    fill(&dir, Some(&tasks))?;
    let in_terraform = step_regions(&dir)?.iter().any(|(comment, _)| *comment == "#");
    println!(
        "workshop/ now holds step {step}: the code {chapter} gives, and its tasks for you to write,\n\
         each a todo!(){terraform}:\n",
        chapter = chapter(&dir),
        terraform = if in_terraform { " in Rust or a comment saying what to add in Terraform" } else { "" },
    );
    for (number, task) in tasks.iter().enumerate() {
        println!("    {}. {}", number + 1, task.title);
    }
    println!(
        "\nRun `cargo xtask check {step}` as often as you like: it runs step {step}'s tests against workshop/\n\
         and names the task of each one that fails. Commit your work with git as you go.\n\
         Stuck? `cargo xtask solve {step}` writes the solution into workshop/ (yours is backed up first)."
    );
    Ok(())
}

/// `cargo xtask solve NN`: step NN's own code in `workshop/`.
pub fn solve(step: &str) -> Result {
    let dir = find_step_number(step)?;
    fill(&dir, None)?;
    println!(
        "workshop/ now holds step {step}'s solution, the code of {}.\n\
         `cargo xtask check {step}` passes on it; `git diff` shows how it differs from what you committed.",
        relative(&dir).display()
    );
    Ok(())
}

/// Replaces the working copy with step `dir`'s files: the solution, or with `tasks`, the
/// skeleton.
fn fill(dir: &Path, tasks: Option<&[Task]>) -> Result {
    let workshop = workshop_dir();
    if let Some(backup) = back_up(&workshop)? {
        println!("    your previous working copy is in {}", relative(&backup).display());
    }
    clear(&workshop)?;
    for file in files_of(dir)? {
        if file == Path::new("Cargo.toml") {
            continue;
        }
        let mut text = read(&dir.join(&file))?;
        if let (Some(tasks), Some(comment)) = (tasks, comment_of(&file)) {
            text =
                skeleton(&text, comment, tasks).map_err(|e| anyhow!("{}: {e}", dir.join(&file).display()))?;
        }
        write_renamed(dir, &file, &text, &workshop)?;
    }
    write_manifest(dir, &workshop)
}

/// The outcome of `check`: each test's, and the task each failure belongs to.
#[derive(Debug)]
struct Report {
    results: Vec<TestResult>,
    /// For each failing test, the tasks it belongs to (none: it checks the code given).
    failures: BTreeMap<String, BTreeSet<usize>>,
}

/// `cargo xtask check NN`: step NN's tests against `workshop/`; fails unless every one passes.
pub fn check(step: &str) -> Result {
    let dir = find_step_number(step)?;
    let tasks = tasks_of(&dir)?;
    let report = run_check(step, &dir, &tasks)?;
    print_report(step, &dir, &tasks, &report)
}

fn run_check(step: &str, dir: &Path, tasks: &[Task]) -> Result<Report> {
    let workshop = workshop_dir();
    match started_step(&workshop) {
        None => return Err(anyhow!("there is no {WORKSHOP}/ here: run `cargo xtask start {step}` first")),
        Some(started) if started != step => {
            return Err(anyhow!(
                "workshop/ holds step {started} (from `cargo xtask start {started}`), not step {step}.\n\
                 Run `cargo xtask start {step}` for step {step}'s exercises (your work is backed up first)."
            ));
        }
        Some(_) => {}
    }
    remove(&workshop.join(TESTS))?;
    for file in files_of(dir)?.iter().filter(|file| file.starts_with(TESTS)) {
        write_renamed(dir, file, &read(&dir.join(file))?, &workshop)?;
    }
    println!("==> check {step}: the tests of {} against workshop/\n", relative(dir).display());
    let TestRun { results, todos } = run_tests()?;
    let todo_tasks: BTreeMap<String, usize> = step_todos(dir, tasks)?;
    let failures = results
        .iter()
        .filter(|result| !result.passed)
        .map(|result| {
            // A task is done when its tests pass; a todo!() the test ran into is a task too.
            let listed = tasks
                .iter()
                .enumerate()
                .filter(|(_, task)| task.tests.iter().any(|test| test == short_name(&result.name)))
                .map(|(number, _)| number);
            let reached = todos
                .get(&result.name)
                .into_iter()
                .flatten()
                .filter_map(|todo| todo_tasks.get(todo).copied());
            (result.name.clone(), listed.chain(reached).collect())
        })
        .collect();
    Ok(Report { results, failures })
}

fn print_report(step: &str, dir: &Path, tasks: &[Task], report: &Report) -> Result {
    let chapter = chapter(dir);
    if report.results.is_empty() {
        return Err(anyhow!(
            "workshop/ does not build with step {step}'s tests (the compiler's errors are above).\n\
             The tests call the names and signatures `cargo xtask start {step}` gave you: change a task's\n\
             body, not its signature. The tasks are in {chapter} (\"Your turn\")."
        ));
    }
    let passed = report.results.iter().filter(|result| result.passed).count();
    println!("\n==> check {step}: {passed} of {} tests pass\n", report.results.len());
    for (number, task) in tasks.iter().enumerate() {
        let failing: Vec<&String> = report
            .failures
            .iter()
            .filter(|(_, owners)| owners.contains(&number))
            .map(|(name, _)| name)
            .collect();
        if failing.is_empty() {
            println!("    task {} · {}: done", number + 1, task.title);
            continue;
        }
        println!("    task {} · {}: not yet", number + 1, task.title);
        for name in failing {
            println!("        FAILED  {name}");
        }
        println!("        hint: {}", task.hint);
    }
    let given: Vec<&String> =
        report.failures.iter().filter(|(_, owners)| owners.is_empty()).map(|(name, _)| name).collect();
    if !given.is_empty() {
        println!("    the code the chapter gives (not a task):");
        for name in &given {
            println!("        FAILED  {name}");
        }
        println!("        these pass on the step's own code: compare yours with {}", relative(dir).display());
    }
    if !report.failures.is_empty() {
        return Err(anyhow!(
            "{} of {} tests fail. Each failure's message is above (`not yet implemented` is a todo!() still\n\
             to write); the tasks are in {chapter} (\"Your turn\"), the tests in workshop/tests/.",
            report.failures.len(),
            report.results.len()
        ));
    }
    let next = steps().into_iter().skip_while(|other| other != dir).nth(1);
    println!("\nAll {} tests of step {step} pass. Compare your code with the solution in {chapter}.", passed);
    match next {
        Some(next) => {
            println!("Then read {} and run `cargo xtask start {}`.", self::chapter(&next), number(&next))
        }
        None => println!("That was the last step: book/src/production.md shows what final/ adds."),
    }
    Ok(())
}

/// Each `todo!()` text of a step's regions, and the number of its task.
fn step_todos(dir: &Path, tasks: &[Task]) -> Result<BTreeMap<String, usize>> {
    Ok(step_regions(dir)?
        .into_iter()
        .filter(|(comment, _)| *comment == "//")
        .filter_map(|(_, region)| Some((region.todo, tasks.iter().position(|task| task.id == region.task)?)))
        .collect())
}

/// `store::a_book_is_stored` → `a_book_is_stored`.
fn short_name(name: &str) -> &str {
    name.rsplit("::").next().unwrap_or(name)
}

/// One test's outcome, as libtest printed it.
#[derive(Debug, PartialEq)]
struct TestResult {
    name: String,
    passed: bool,
}

/// What one `cargo test` of the workshop printed: each test's outcome (none: they did not build),
/// and the `todo!()` texts each failing test ran into.
struct TestRun {
    results: Vec<TestResult>,
    todos: BTreeMap<String, Vec<String>>,
}

/// Runs the workshop's tests, echoing their output.
fn run_tests() -> Result<TestRun> {
    let mut child = cargo(emulator::repo_root())
        .args(["test", "--package", WORKSHOP, "--no-fail-fast", "--color", "never"])
        // A failure's message says what the test expected; a backtrace would bury it.
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow!("could not start cargo test: {e}"))?;
    let mut results = Vec::new();
    let mut todos: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failing: Option<String> = None;
    for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
        let line = line?;
        println!("{line}");
        results.extend(parse_test_line(&line));
        if let Some(name) = line.strip_prefix("---- ").and_then(|rest| rest.strip_suffix(" stdout ----")) {
            failing = Some(name.to_owned());
        } else if let (Some(name), Some(todo)) = (&failing, line.trim().strip_prefix("not yet implemented: "))
        {
            todos.entry(name.clone()).or_default().push(todo.to_owned());
        }
    }
    child.wait()?;
    Ok(TestRun { results, todos })
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

/// Step `NN`'s directory, for a step number given on the command line.
fn find_step_number(step: &str) -> Result<PathBuf> {
    if step.len() != 2 || !step.chars().all(|c| c.is_ascii_digit()) {
        return Err(anyhow!("a step is two digits, like 02, not {step:?}"));
    }
    find_step(step)
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

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))
}

/// Writes `text`, one file of `step`, into the workshop with the step's names made the workshop's.
fn write_renamed(step: &Path, file: &Path, text: &str, workshop: &Path) -> Result {
    let to = workshop.join(file);
    std::fs::create_dir_all(to.parent().expect("a file has a parent"))?;
    let mut text = renamed(text, &step_names(step), &workshop_names());
    if file.extension().is_some_and(|ext| ext == "tf") {
        // steps/NN-*/terraform is one level deeper than workshop/terraform.
        text = text.replace("../../../", "../../");
    }
    std::fs::write(&to, text).map_err(|e| anyhow!("cannot write {}: {e}", to.display()))
}

/// What a step's files call the step: its path, package, crate, `--step` flag, and the prefix
/// of its binaries and resources. In this order, no name is replaced inside another.
pub fn step_names(step: &Path) -> [String; 5] {
    let package = step_package(step);
    let dir = step.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let number = number(step);
    [
        format!("steps/{dir}"),
        package.clone(),
        package.replace('-', "_"),
        format!("--step {number}"),
        format!("step{number}"),
    ]
}

/// What the workshop's copy calls itself in their place.
fn workshop_names() -> [String; 5] {
    [WORKSHOP, WORKSHOP, WORKSHOP, &format!("--step {WORKSHOP}"), WORKSHOP].map(str::to_owned)
}

/// `text` with each name of `from` replaced by the one in the same place in `to`: a step's
/// files made the workshop's (`start`, `solve`), or one step's made the next's (`diffs`).
pub fn renamed(text: &str, from: &[String], to: &[String]) -> String {
    from.iter().zip(to).fold(text.to_owned(), |text, (old, new)| text.replace(old, new))
}

/// The step `start` or `solve` last wrote into the working copy, from its manifest.
fn started_step(workshop: &Path) -> Option<String> {
    let manifest: DocumentMut = std::fs::read_to_string(workshop.join("Cargo.toml")).ok()?.parse().ok()?;
    manifest.get("package")?.get("metadata")?.get("workshop")?.get("step")?.as_str().map(str::to_owned)
}

/// The workshop's manifest for step `step`: the step's package and binaries, renamed, with
/// the dependencies of every step (so that `Cargo.lock` is the same whatever the step).
fn write_manifest(step: &Path, workshop: &Path) -> Result {
    let text = read(&step.join("Cargo.toml"))?;
    let manifests: Vec<String> =
        steps().iter().map(|step| read(&step.join("Cargo.toml"))).collect::<Result<_>>()?;
    let manifest =
        workshop_manifest(&renamed(&text, &step_names(step), &workshop_names()), &number(step), &manifests)?;
    let to = workshop.join("Cargo.toml");
    std::fs::write(&to, manifest).map_err(|e| anyhow!("cannot write {}: {e}", to.display()))
}

const DEPENDENCY_SECTIONS: [&str; 2] = ["dependencies", "dev-dependencies"];

fn parsed(manifest: &str) -> Result<DocumentMut> {
    manifest.parse().map_err(|e| anyhow!("a step's Cargo.toml is not TOML: {e}"))
}

/// The step's manifest with its exercises' list gone, the step it holds recorded, and every
/// step's dependencies in place of its own.
fn workshop_manifest(step_manifest: &str, step: &str, every_step: &[String]) -> Result<String> {
    let mut manifest = parsed(step_manifest)?;
    let package = manifest
        .get_mut("package")
        .and_then(Item::as_table_mut)
        .context("a step's Cargo.toml has no [package]")?;
    package.insert(
        "description",
        value(format!("Your working copy of the workshop, written by `cargo xtask start {step}`.")),
    );
    let mut workshop = Table::new();
    workshop.decor_mut().set_prefix("\n# The step `cargo xtask check` expects workshop/ to hold.\n");
    workshop.insert("step", value(step));
    let mut metadata = Table::new();
    metadata.set_implicit(true);
    metadata.insert("workshop", Item::Table(workshop));
    package.insert("metadata", Item::Table(metadata));
    for (section, dependencies) in DEPENDENCY_SECTIONS.into_iter().zip(every_dependency(every_step)?) {
        manifest.insert(section, Item::Table(dependencies));
    }
    Ok(manifest.to_string())
}

/// The dependency sections of every step's manifest, merged (a later step's entry wins),
/// each sorted by name.
fn every_dependency(every_step: &[String]) -> Result<[Table; 2]> {
    let mut merged = [Table::new(), Table::new()];
    for manifest in every_step {
        let manifest = parsed(manifest)?;
        for (section, into) in DEPENDENCY_SECTIONS.iter().zip(merged.iter_mut()) {
            for (name, entry) in
                manifest.get(section).and_then(Item::as_table).into_iter().flat_map(Table::iter)
            {
                let mut entry = entry.clone();
                if let Some(entry) = entry.as_value_mut() {
                    entry.decor_mut().clear();
                }
                into.insert(name, entry);
            }
        }
    }
    merged[0].decor_mut().set_prefix(
        "\n# Every crate any step uses, at every step: moving between steps never changes Cargo.lock.\n",
    );
    for table in &mut merged {
        table.sort_values();
    }
    Ok(merged)
}

/// Keeps a copy of a working copy that has code in it, under `.workshop-backups/`.
fn back_up(workshop: &Path) -> Result<Option<PathBuf>> {
    if !workshop.join("src").is_dir() {
        return Ok(None);
    }
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let root = emulator::repo_root().join(BACKUPS);
    let mut backup = root.join(seconds.to_string());
    for again in 1.. {
        if !backup.exists() {
            break;
        }
        backup = root.join(format!("{seconds}-{again}"));
    }
    for file in files_of(workshop)? {
        let to = backup.join(&file);
        std::fs::create_dir_all(to.parent().expect("a parent"))?;
        std::fs::copy(workshop.join(&file), &to)
            .map_err(|e| anyhow!("cannot back up {}: {e}", file.display()))?;
    }
    Ok(Some(backup))
}

/// Empties the working copy, keeping it a directory.
fn clear(workshop: &Path) -> Result {
    std::fs::create_dir_all(workshop)?;
    for entry in std::fs::read_dir(workshop)? {
        remove(&entry?.path())?;
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
    removed.map_err(|e| anyhow!("cannot remove {}: {e}", path.display()))
}

/// The learner's flow, for `cargo xtask test`, for each step given: the tasks marked in the
/// step's files are the ones its manifest lists; on what `start` writes, `check` runs the tests
/// (no compile error) and fails, every failure belongs to a task and every task has a failure;
/// after `solve`, `check` passes. `workshop/` is put back as it was, whatever happens, and
/// `Cargo.lock` must not have changed.
pub fn self_test(steps_to_check: &[&str]) -> Result {
    let workshop = workshop_dir();
    let lock = emulator::repo_root().join("Cargo.lock");
    let lock_before = std::fs::read(&lock).map_err(|e| anyhow!("cannot read Cargo.lock: {e}"))?;
    let saved = files_of(&workshop)?
        .into_iter()
        .map(|file| std::fs::read(workshop.join(&file)).map(|bytes| (file, bytes)))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| anyhow!("cannot read workshop/: {e}"))?;
    let outcome = steps_to_check.iter().try_for_each(|step| self_test_step(step));
    clear(&workshop)?;
    for (file, bytes) in saved {
        let to = workshop.join(&file);
        std::fs::create_dir_all(to.parent().expect("a parent"))?;
        std::fs::write(&to, bytes).map_err(|e| anyhow!("cannot restore {}: {e}", to.display()))?;
    }
    outcome?;
    if std::fs::read(&lock).ok() != Some(lock_before) {
        return Err(anyhow!(
            "start/check/solve changed Cargo.lock: workshop/Cargo.toml's dependencies must be \
             every step's (see workshop::every_dependency)"
        ));
    }
    Ok(())
}

fn self_test_step(step: &str) -> Result {
    let dir = find_step_number(step)?;
    let tasks = tasks_of(&dir)?;
    let listed: BTreeSet<String> = tasks.iter().map(|task| task.id.clone()).collect();
    let marked: BTreeSet<String> = step_regions(&dir)?.into_iter().map(|(_, region)| region.task).collect();
    if listed != marked {
        return Err(anyhow!(
            "step {step}: its manifest lists the tasks {listed:?}, its files mark {marked:?}: each task needs \
             both a [[package.metadata.workshop.tasks]] entry and at least one ANCHOR: task_<id> region"
        ));
    }
    let chapter_text = read(&emulator::repo_root().join(chapter(&dir)))?;
    let your_turn = chapter_text.split("## Your turn").nth(1).and_then(|rest| rest.split("\n## ").next());
    for (number, task) in tasks.iter().enumerate() {
        let item = format!("{}. **{}.**", number + 1, task.title);
        if !your_turn.is_some_and(|section| section.contains(&item)) {
            return Err(anyhow!(
                "{}: its \"Your turn\" has no `{item}`, the task `check {step}` names",
                chapter(&dir)
            ));
        }
    }
    fill(&dir, Some(&tasks))?;
    let report = run_check(step, &dir, &tasks)?;
    if report.results.is_empty() {
        return Err(anyhow!(
            "step {step}: the skeleton `start {step}` writes does not compile with the step's tests"
        ));
    }
    let names: BTreeSet<&str> = report.results.iter().map(|result| short_name(&result.name)).collect();
    for task in &tasks {
        if let Some(missing) = task.tests.iter().find(|test| !names.contains(test.as_str())) {
            return Err(anyhow!(
                "step {step}: task `{}` names the test {missing}, which did not run",
                task.id
            ));
        }
    }
    if let Some((test, _)) = report.failures.iter().find(|(_, owners)| owners.is_empty()) {
        return Err(anyhow!(
            "step {step}: on the skeleton, {test} fails but belongs to no task: name it in a task's `tests`"
        ));
    }
    for (number, task) in tasks.iter().enumerate() {
        if !report.failures.values().any(|owners| owners.contains(&number)) {
            return Err(anyhow!(
                "step {step}: on the skeleton, no test of task `{}` fails: the check does not check it",
                task.id
            ));
        }
    }
    fill(&dir, None)?;
    let solved = run_check(step, &dir, &tasks)?;
    if solved.results.is_empty() || !solved.failures.is_empty() {
        return Err(anyhow!(
            "step {step}: check {step} fails after solve {step}: {:?}",
            solved.failures.keys().collect::<Vec<_>>()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str) -> Task {
        Task { id: id.into(), title: format!("The {id}"), hint: String::new(), tests: Vec::new() }
    }

    #[test]
    fn a_step_is_renamed_to_the_workshop() {
        let step = Path::new("/repo/steps/04-lambdas");
        let text = "use step04_lambdas::consumer;\nname = \"step04-lambdas\"\nname = \"step04-producer\"\n\
                    \"steps/04-lambdas/terraform\"\ndefault = \"step04\"\ncargo xtask package --step 04";
        assert_eq!(
            renamed(text, &step_names(step), &workshop_names()),
            "use workshop::consumer;\nname = \"workshop\"\nname = \"workshop-producer\"\n\
             \"workshop/terraform\"\ndefault = \"workshop\"\ncargo xtask package --step workshop"
        );
    }

    #[test]
    fn a_rust_region_becomes_a_todo_and_the_file_allows_unused() {
        let text = "//! A store.\n\nfn put(x: u32) {\n    // ANCHOR: task_put Store {x} with \"PutItem\"\n    \
                    body(x);\n    // ANCHOR_END: task_put\n}\n";
        let written = skeleton(text, "//", &[task("put")]).unwrap();
        assert_eq!(
            written,
            format!(
                "//! A store.\n{ALLOW_UNUSED}\n\nfn put(x: u32) {{\n    todo!(\"Store {{{{x}}}} with \\\"PutItem\\\"\")\n}}\n"
            )
        );
    }

    #[test]
    fn a_terraform_region_becomes_a_comment_naming_its_task() {
        let text = "module \"a\" {}\n\n# ANCHOR: task_roles_main Add module \"iam\"\nmodule \"iam\" {\n}\n\
                    # ANCHOR_END: task_roles_main\n";
        let written = skeleton(text, "#", &[task("put"), task("roles")]).unwrap();
        assert_eq!(written, "module \"a\" {}\n\n# Task 2 (The roles): Add module \"iam\"\n");
    }

    #[test]
    fn a_region_must_be_closed_say_what_to_do_and_name_a_listed_task() {
        assert!(regions("// ANCHOR: task_put Store it\nx\n", "//").is_err());
        assert!(regions("// ANCHOR: task_put\nx\n// ANCHOR_END: task_put\n", "//").is_err());
        assert!(
            skeleton("// ANCHOR: task_get Get it\nx\n// ANCHOR_END: task_get\n", "//", &[task("put")])
                .is_err()
        );
        assert_eq!(regions("// ANCHOR: books\nx\n// ANCHOR_END: books\n", "//").unwrap(), vec![]);
    }

    #[test]
    fn the_manifest_has_every_steps_dependencies_and_the_step_it_holds() {
        let step = "[package]\nname = \"workshop\"\ndescription = \"Workshop step 04\"\n\n\
                    [[bin]]\nname = \"workshop-producer\"\npath = \"src/bin/producer.rs\"\n\n\
                    [dependencies]\nserde.workspace = true\n\n\
                    [[package.metadata.workshop.tasks]]\nid = \"x\"\n";
        let first = "[dependencies]\nserde.workspace = true\ntime.workspace = true\n".to_owned();
        let last = "[dependencies]\nserde.workspace = true\n\n[dev-dependencies]\ninsta.workspace = true\n"
            .to_owned();
        let written = workshop_manifest(step, "04", &[first, last]).unwrap();
        assert!(written.contains("[[bin]]\nname = \"workshop-producer\"\npath = \"src/bin/producer.rs\"\n"));
        assert!(written.contains("start 04"), "{written}");
        assert!(
            written.contains("[dependencies]\nserde.workspace = true\ntime.workspace = true\n"),
            "{written}"
        );
        assert!(written.contains("[dev-dependencies]\ninsta.workspace = true\n"), "{written}");
        assert!(!written.contains("id = "), "{written}");
        assert_eq!(started_step_of(&written), Some("04".into()));
    }

    fn started_step_of(manifest: &str) -> Option<String> {
        let dir = std::env::temp_dir().join(format!("xtask-workshop-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        let step = started_step(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        step
    }

    #[test]
    fn the_committed_workshop_manifest_has_every_steps_dependencies() {
        let manifests: Vec<String> =
            steps().iter().map(|step| read(&step.join("Cargo.toml")).unwrap()).collect();
        let committed = parsed(&read(&workshop_dir().join("Cargo.toml")).unwrap()).unwrap();
        for (section, every) in DEPENDENCY_SECTIONS.into_iter().zip(every_dependency(&manifests).unwrap()) {
            let names = |table: &Table| {
                table
                    .iter()
                    .map(|(name, entry)| format!("{name} = {}", entry.to_string().trim()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                committed.get(section).and_then(Item::as_table).map(names),
                Some(names(&every)),
                "workshop/Cargo.toml's [{section}] must be every step's, or start/check change Cargo.lock"
            );
        }
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
