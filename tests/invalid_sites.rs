//! Every folder under `tests/invalid/` is a site that must fail. What a case may hold:
//!
//! - `expected-error.txt` (required): every line must appear in stderr, so a case can ask
//!   for several errors of one build at once.
//! - `commands` (optional): the commands to run, `check build` by default; a case about the
//!   output folder, which `check` never sees, says `build`.
//! - `build-args` (optional): arguments for `build` instead of `--output out`, split on
//!   whitespace, with `{root}` replaced by the case's root.
//! - `out/` (optional): the previous output; without it the runner first builds
//!   `tests/fixtures/basic` into `out/`, so every case fails on top of a real earlier build.
//!
//! Each command must exit with status 1, print the expected lines and a `hint:` for every
//! error, and leave the whole case folder, previous output included, exactly as it was.

mod common;
use common::*;
use std::path::Path;

struct Case {
    name: String,
    expected: Vec<String>,
    commands: Vec<String>,
    build_args: Option<String>,
}

fn load_case(dir: &Path) -> Case {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let expected = read("expected-error.txt").unwrap_or_else(|| panic!("{} lacks expected-error.txt", dir.display()));
    Case {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        expected: expected
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        commands: read("commands")
            .unwrap_or_else(|| "check build".into())
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        build_args: read("build-args"),
    }
}

/// Runs one case; returns what went wrong.
fn run_case(case_dir: &Path) -> Vec<String> {
    let case = load_case(case_dir);
    let name = &case.name;
    let root = temp_dir(name);
    copy_dir(case_dir, &root);
    let out = root.join("out");
    if !out.exists() {
        // Built in place from the repository: no build cache beside the fixture.
        let previous = repo().join("tests/fixtures/basic");
        build(&previous, &out, &["--no-cache"]);
    }
    let before = snapshot(&root);
    let mut failures = Vec::new();
    for command in &case.commands {
        let root_arg = root.to_str().unwrap().to_string();
        let mut args: Vec<String> = vec![command.clone(), "--root".into(), root_arg.clone()];
        if command == "build" {
            match &case.build_args {
                Some(extra) => args.extend(extra.split_whitespace().map(|a| a.replace("{root}", &root_arg))),
                None => args.extend(["--output".to_string(), out.to_str().unwrap().to_string()]),
            }
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let result = quire(&args);
        let stderr = String::from_utf8_lossy(&result.stderr);
        if result.status.code() != Some(1) {
            failures.push(format!(
                "{name} ({command}): exit {:?}, want 1\n{stderr}",
                result.status.code()
            ));
            continue;
        }
        for line in &case.expected {
            if !stderr.contains(line.as_str()) {
                failures.push(format!("{name} ({command}): stderr lacks\n  {line}\ngot:\n{stderr}"));
            }
        }
        let errors = stderr.lines().filter(|l| l.contains("error:")).count();
        let hints = stderr.lines().filter(|l| l.trim_start().starts_with("hint:")).count();
        if hints < errors {
            failures.push(format!(
                "{name} ({command}): {errors} errors but {hints} hints in\n{stderr}"
            ));
        }
        let after = snapshot(&root);
        let diff = snapshot_diff(&before, &after);
        if !diff.is_empty() {
            failures.push(format!(
                "{name} ({command}): the failed run changed files:\n  {}",
                diff.join("\n  ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    failures
}

#[test]
fn every_invalid_site_fails_with_its_error_and_changes_nothing() {
    let dir = repo().join("tests/invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the invalid fixtures, found {}",
        cases.len()
    );
    let failures: Vec<String> = cases.iter().flat_map(|c| run_case(c)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn usage_errors_exit_with_status_2() {
    let result = quire(&["build", "--no-such-flag"]);
    assert_eq!(result.status.code(), Some(2));
    let result = quire(&["frobnicate"]);
    assert_eq!(result.status.code(), Some(2));
}
