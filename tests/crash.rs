//! The crash test: a build killed at any moment leaves the output exactly as the previous
//! build or exactly as the new one, never a mixture, and the next build leaves no stray file.
//!
//! A generated site of several thousand pages is built (version A) into an output folder
//! that also holds files of the user's. Then version B, which changes every page, removes
//! one per section and adds another, is built on top and SIGKILLed at 20 moments spread over its run
//! time (and a little past it). After each kill the output must equal A or B exactly (plus
//! the user's files, untouched); a completed build of B must then equal B with nothing stray
//! beside the output folder. It takes about a minute in release mode, so `cargo test` skips
//! it; `.ci/run` runs it with `cargo test --release --test crash -- --ignored`.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SECTIONS: usize = 30;
const PER_SECTION: usize = 100;
const TRIALS: usize = 20;

/// Writes version `v` of the site's content into `root/site`, replacing what was there.
fn write_site(root: &Path, v: usize) {
    let site = root.join("site");
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("_index.md"), format!("# Home v{v}\n\nThe generated site.\n")).unwrap();
    for s in 0..SECTIONS {
        let dir = site.join(format!("{s:02}-section-{s}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!("# Section {s} v{v}\n\nPages of section {s}.\n"),
        )
        .unwrap();
        // A has a page that B removes, B one that A lacks; nothing links to either.
        let extra = PER_SECTION + 8 - v;
        for p in (0..PER_SECTION).chain([extra]) {
            let next = (p + 1) % PER_SECTION;
            let body = format!(
                "# Page {s}.{p} (version {v})\n\n{}\n\n## Details\n\nSee [the next page]({next:03}-page-{next}.md) in version {v}.\n",
                "Words of a generated page. ".repeat(20 + v * 3)
            );
            std::fs::write(dir.join(format!("{p:03}-page-{p}.md")), body).unwrap();
        }
    }
    std::fs::write(root.join("static/logo.txt"), format!("logo v{v}\n")).unwrap();
}

fn build_cmd(root: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quire"));
    c.args([
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

fn build_ok(root: &Path, out: &Path) -> Duration {
    let start = Instant::now();
    let result = build_cmd(root, out).output().unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    start.elapsed()
}

/// Every entry beside the output folder, to find stray stages.
fn siblings(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
#[ignore = "about a minute in release mode; .ci/run runs it"]
fn a_killed_build_leaves_the_previous_or_the_new_output() {
    let root = temp_dir("crash");
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(
        root.join("quire.toml"),
        "title = \"Crash\"\n[search]\nenabled = false\n",
    )
    .unwrap();
    let holder = root.join("holder");
    std::fs::create_dir_all(&holder).unwrap();
    let out = holder.join("public");

    // The expected trees, each built into an output of its own.
    write_site(&root, 0);
    build_ok(&root, &holder.join("a"));
    write_site(&root, 1);
    let full_b = build_ok(&root, &holder.join("b"));
    let mut tree_a = snapshot(&holder.join("a"));
    let mut tree_b = snapshot(&holder.join("b"));
    std::fs::remove_dir_all(holder.join("a")).unwrap();
    std::fs::remove_dir_all(holder.join("b")).unwrap();
    assert!(tree_a.len() > 4000 && tree_a != tree_b);
    // The user's own files live in the output folder and must survive everything.
    let user: BTreeMap<String, Entry> = [
        ("user.txt".to_string(), Entry::File(b"mine".to_vec())),
        ("userdir".to_string(), Entry::Dir),
        ("userdir/notes.md".to_string(), Entry::File(b"notes".to_vec())),
    ]
    .into_iter()
    .collect();
    tree_a.extend(user.clone());
    tree_b.extend(user);

    // The kills are spread over the build's time as measured in this run: the estimate is
    // updated by every complete build of B on top of A, since load changes it.
    let mut estimate = full_b;
    let (mut old, mut new, mut mixed) = (0, 0, Vec::new());
    for trial in 0..TRIALS {
        write_site(&root, 0);
        build_ok(&root, &out);
        std::fs::write(out.join("user.txt"), "mine").unwrap();
        std::fs::create_dir_all(out.join("userdir")).unwrap();
        std::fs::write(out.join("userdir/notes.md"), "notes").unwrap();
        assert_eq!(snapshot(&out), tree_a, "trial {trial}: the previous build is in place");

        write_site(&root, 1);
        // Spread over the build and past its end, where the old output is being removed.
        let at = estimate.mul_f64((trial as f64 + 0.5) / TRIALS as f64 * 1.2);
        let mut child = build_cmd(&root, &out).spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let after = snapshot(&out);
        if after == tree_a {
            old += 1;
        } else if after == tree_b {
            new += 1;
        } else {
            let diff_a = snapshot_diff(&tree_a, &after).len();
            let diff_b = snapshot_diff(&tree_b, &after).len();
            mixed.push(format!(
                "trial {trial} (killed at {at:?}): {diff_a} paths differ from A, {diff_b} from B"
            ));
        }

        let took = build_ok(&root, &out);
        if after == tree_a {
            estimate = took;
        }
        assert_eq!(
            snapshot(&out),
            tree_b,
            "trial {trial}: the build after a kill is exactly B"
        );
        // Beside the output only the previous tree Quire keeps to rebuild in place, and that
        // one ignores itself in Git.
        let beside = siblings(&out);
        assert!(
            beside == ["public"] || beside == [".public.quire-spare", "public"],
            "trial {trial}: nothing stray beside the output: {beside:?}"
        );
        if beside.len() == 2 {
            let ignore = std::fs::read_to_string(holder.join(".public.quire-spare/.gitignore")).unwrap();
            assert!(
                ignore.lines().any(|l| l == "*"),
                "trial {trial}: the spare tree ignores itself: {ignore:?}"
            );
        }
    }
    println!(
        "{TRIALS} kills spread over a build of about {estimate:?} ({} files): {old} left the previous output, {new} the new one, {} a mixture",
        tree_b.len(),
        mixed.len()
    );
    assert!(mixed.is_empty(), "mixed outputs:\n{}", mixed.join("\n"));
    let _ = std::fs::remove_dir_all(&root);
}
