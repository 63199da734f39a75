//! Every folder under `tests/invalid/` is a site that must fail with the error in its
//! `expected-error.txt` (a line that must appear in stderr), exit status 1, and write nothing.

mod common;
use common::*;

#[test]
fn every_invalid_site_fails_with_its_error() {
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
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(case.join("expected-error.txt")).unwrap();
        let expected = expected.trim_end();
        let root = temp_dir(&name);
        copy_dir(case, &root);
        let out = root.join("out");
        for command in ["check", "build"] {
            let mut args = vec![command, "--root", root.to_str().unwrap()];
            if command == "build" {
                args.extend(["--output", out.to_str().unwrap()]);
            }
            let result = quire(&args);
            let stderr = String::from_utf8_lossy(&result.stderr);
            if result.status.code() != Some(1) {
                failures.push(format!(
                    "{name} ({command}): exit {:?}, want 1\n{stderr}",
                    result.status.code()
                ));
            } else if !stderr.contains(expected) {
                failures.push(format!(
                    "{name} ({command}): stderr lacks\n  {expected}\ngot:\n{stderr}"
                ));
            } else if !stderr.contains("hint:") {
                failures.push(format!("{name} ({command}): no hint in\n{stderr}"));
            }
        }
        if out.exists() {
            failures.push(format!("{name}: a failed build wrote {}", out.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn usage_errors_exit_with_status_2() {
    let result = quire(&["build", "--no-such-flag"]);
    assert_eq!(result.status.code(), Some(2));
    let result = quire(&["frobnicate"]);
    assert_eq!(result.status.code(), Some(2));
}
