use super::*;

/// Writes `output` into `out_dir` the way `quire build` does: through the guard and a
/// streamed stage.
fn write(output: &Output, root: &Path, out_dir: &Path) -> Result<WriteStats, BuildError> {
    let guard = Guard::new(root, out_dir).map_err(BuildError::single)?;
    let stage = Streamed::open(&guard, true)?;
    for (path, source) in &output.files {
        stage.put(path.clone(), source.clone()).map_err(BuildError::single)?;
    }
    stage.finish()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("quire-output-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn files(pairs: &[(&str, &str)]) -> Output {
    let mut o = Output::default();
    for (p, b) in pairs {
        o.insert(p.to_string(), b.as_bytes().to_vec());
    }
    o
}

#[test]
fn writes_skips_unchanged_and_removes_only_its_own_stale_files() {
    let root = temp("root");
    let out = root.join("public");
    std::fs::create_dir_all(out.join("mine/deep")).unwrap();
    std::fs::write(out.join("keep-me.txt"), "user file").unwrap();
    std::fs::write(out.join("mine/deep/x"), "user file").unwrap();
    std::fs::create_dir_all(out.join("empty")).unwrap();
    let s = write(&files(&[("a/index.html", "A"), ("b/index.html", "B")]), &root, &out).unwrap();
    assert_eq!((s.written, s.unchanged, s.removed), (2, 0, 0));
    let a_inode = inode(&out.join("a/index.html"));

    let s = write(&files(&[("a/index.html", "A")]), &root, &out).unwrap();
    assert_eq!((s.written, s.unchanged, s.removed), (0, 1, 1));
    assert_eq!(
        inode(&out.join("a/index.html")),
        a_inode,
        "an unchanged file is the same file"
    );
    assert!(!out.join("b").exists(), "emptied folder is removed");
    assert_eq!(std::fs::read_to_string(out.join("keep-me.txt")).unwrap(), "user file");
    assert_eq!(std::fs::read_to_string(out.join("mine/deep/x")).unwrap(), "user file");
    assert!(out.join("empty").is_dir(), "an empty folder of the user's stays");
    assert!(!root.join(".public.quire-stage").exists(), "no stage is left");
}

fn inode(p: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap())
}

fn tree(dir: &Path) -> Vec<(String, Option<String>)> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_name() != MANIFEST)
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (
                rel,
                e.file_type()
                    .is_file()
                    .then(|| std::fs::read_to_string(e.path()).unwrap()),
            )
        })
        .collect()
}

#[test]
fn builds_from_the_spare_write_what_builds_without_it_write() {
    // The same sequence of outputs, written with and without the spare, must leave the
    // same trees, with the user's files untouched.
    let steps: Vec<Output> = vec![
        files(&[
            ("a/index.html", "A"),
            ("b/index.html", "B"),
            ("flip", "file"),
            ("f/x", "1"),
        ]),
        files(&[
            ("a/index.html", "A2"),
            ("b/index.html", "B"),
            ("flip/inner", "now a folder"),
            ("f/x", "1"),
        ]),
        files(&[
            ("a/index.html", "A2"),
            ("c/d/index.html", "C"),
            ("flip", "a file again"),
            ("f", "was a folder"),
        ]),
        files(&[
            ("a/index.html", "A3"),
            ("c/d/index.html", "C"),
            ("flip", "a file again"),
        ]),
        files(&[("a/index.html", "A3"), ("dl", "a file")]),
        // The spare of the next two builds still has `dl` as a file, and more than one
        // file goes under it.
        files(&[
            ("a/index.html", "A3"),
            ("dl/a.zip", "a"),
            ("dl/b.zip", "b"),
            ("dl/c/d.zip", "d"),
        ]),
        files(&[
            ("a/index.html", "A3"),
            ("dl/a.zip", "a"),
            ("dl/b.zip", "b2"),
            ("dl/c/d.zip", "d"),
        ]),
        files(&[("a/index.html", "A3"), ("dl/b.zip", "b2")]),
        files(&[("a/index.html", "A3"), ("dl", "a file again")]),
    ];
    let mut trees = Vec::new();
    for spare in [false, true] {
        let root = temp(&format!("spare-{spare}"));
        let out = root.join("public");
        std::fs::create_dir_all(out.join("mine")).unwrap();
        std::fs::write(out.join("mine/notes"), "user file").unwrap();
        std::fs::write(out.join(".gitignore"), "the user's ignore").unwrap();
        let guard = Guard::new(&root, &out).unwrap();
        let mut seen = Vec::new();
        for (n, output) in steps.iter().enumerate() {
            let stage = Streamed::open(&guard, spare).unwrap();
            for (path, source) in &output.files {
                stage.put(path.clone(), source.clone()).unwrap();
            }
            stage.finish().unwrap();
            if n == 2 {
                std::fs::write(out.join("mine/notes"), "user file, edited").unwrap();
            }
            if n == 3 && spare {
                // A folder appears in the spare: the tree that becomes the next stage.
                let _ = std::fs::create_dir_all(root.join(".public.quire-spare/stray/deeper"));
            }
            seen.push(tree(&out));
        }
        let spare_dir = root.join(".public.quire-spare");
        assert_eq!(spare_dir.exists(), spare, "a spare is kept only when asked for");
        if spare {
            let ignore = std::fs::read_to_string(spare_dir.join(".gitignore")).unwrap();
            assert!(
                ignore.lines().any(|l| l == "*"),
                "git does not show the spare: {ignore}"
            );
        }
        assert_eq!(
            std::fs::read_to_string(out.join(".gitignore")).unwrap(),
            "the user's ignore"
        );
        trees.push(seen);
    }
    assert_eq!(trees[0], trees[1]);
}

#[test]
fn a_build_from_the_spare_never_writes_into_the_output() {
    let root = temp("spare-inodes");
    let out = root.join("public");
    let guard = Guard::new(&root, &out).unwrap();
    // Two builds: the second swaps the first's tree out as the spare, whose unchanged
    // files are the same inodes as the output's.
    write(&files(&[("same", "S"), ("changes", "old")]), &root, &out).unwrap();
    write(&files(&[("same", "S"), ("changes", "old")]), &root, &out).unwrap();
    let spare = root.join(".public.quire-spare");
    assert_eq!(inode(&spare.join("changes")), inode(&out.join("changes")));
    {
        let stage = Streamed::open(&guard, true).unwrap();
        stage.bytes("changes".into(), b"new".to_vec()).unwrap();
        stage.bytes("same".into(), b"S".to_vec()).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("changes")).unwrap(),
            "old",
            "the output's file is replaced in the stage, not written through the shared inode"
        );
        // Dropped unfinished: the build failed.
    }
    assert_eq!(
        tree(&out),
        vec![
            ("changes".into(), Some("old".into())),
            ("same".into(), Some("S".into()))
        ]
    );
    assert!(!spare.exists() && !root.join(".public.quire-stage").exists());
    let s = write(&files(&[("same", "S"), ("changes", "new")]), &root, &out).unwrap();
    assert_eq!((s.written, s.unchanged), (1, 1));
    assert_eq!(std::fs::read_to_string(out.join("changes")).unwrap(), "new");
}

/// A site root with two builds written into its `public/`, so the first one is the spare:
/// (root, output, spare).
fn two_builds(name: &str, first: &[(&str, &str)], second: &[(&str, &str)]) -> (PathBuf, PathBuf, PathBuf) {
    let root = temp(name);
    let out = root.join("public");
    write(&files(first), &root, &out).unwrap();
    write(&files(second), &root, &out).unwrap();
    let spare = root.join(".public.quire-spare");
    (root, out, spare)
}

#[test]
fn a_spare_holding_a_file_quire_did_not_write_is_left_alone() {
    let (root, out, spare) = two_builds("spare-foreign", &[("index.html", "1")], &[("index.html", "2")]);
    std::fs::write(spare.join("precious"), "someone's").unwrap();
    let e = write(&files(&[("index.html", "3")]), &root, &out)
        .unwrap_err()
        .to_string();
    assert!(e.contains("quire-spare") && e.contains("did not write"), "{e}");
    assert_eq!(std::fs::read_to_string(spare.join("precious")).unwrap(), "someone's");
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "2");
}

#[test]
fn a_link_in_the_spare_is_refused_and_nothing_is_written_through_it() {
    let (root, out, spare) = two_builds(
        "spare-link",
        &[("index.html", "1"), ("page", "P")],
        &[("index.html", "2"), ("page", "P")],
    );
    let elsewhere = root.join("elsewhere");
    std::fs::remove_file(spare.join("page")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, spare.join("page")).unwrap();
    let e = write(&files(&[("index.html", "3"), ("page", "new")]), &root, &out)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("quire-spare") && e.contains("page") && e.contains("--no-cache"),
        "{e}"
    );
    assert!(!elsewhere.exists(), "nothing was written through the link");
    assert_eq!(std::fs::read_to_string(out.join("page")).unwrap(), "P");
}

#[test]
fn a_users_file_named_like_the_spares_list_is_never_written_into() {
    let root = temp("spare-carried-name");
    let out = root.join("public");
    write(&files(&[("index.html", "1")]), &root, &out).unwrap();
    std::fs::write(out.join(".quire-carried"), "the user's").unwrap();
    write(&files(&[("index.html", "2")]), &root, &out).unwrap();
    write(&files(&[("index.html", "3")]), &root, &out).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join(".quire-carried")).unwrap(),
        "the user's"
    );
    assert!(!root.join(".public.quire-spare").exists(), "no spare can list it");
}

#[test]
fn a_file_that_appears_in_the_output_during_a_build_stops_the_next_build_and_is_kept() {
    let root = temp("spare-meanwhile");
    let out = root.join("public");
    write(&files(&[("index.html", "1")]), &root, &out).unwrap();
    let guard = Guard::new(&root, &out).unwrap();
    let stage = Streamed::open(&guard, true).unwrap();
    stage.bytes("index.html".into(), b"2".to_vec()).unwrap();
    std::fs::write(out.join("late.txt"), "written while building").unwrap();
    stage.finish().unwrap();
    // The old output became the spare without being listed again; the next build lists it.
    let spare = root.join(".public.quire-spare");
    let e = write(&files(&[("index.html", "3")]), &root, &out)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("quire-spare") && e.contains("late.txt") && e.contains("did not write"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(spare.join("late.txt")).unwrap(),
        "written while building"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "2",
        "the output is as it was"
    );
}

#[test]
fn a_spare_never_writes_its_lists_over_a_file_that_appeared_meanwhile() {
    for name in [".gitignore", ".quire-carried"] {
        let root = temp(&format!("spare-meanwhile-{}", name.trim_start_matches('.')));
        let out = root.join("public");
        write(&files(&[("index.html", "1")]), &root, &out).unwrap();
        let guard = Guard::new(&root, &out).unwrap();
        let stage = Streamed::open(&guard, true).unwrap();
        stage.bytes("index.html".into(), b"2".to_vec()).unwrap();
        std::fs::write(out.join(name), "the user's").unwrap();
        let stats = stage.finish().unwrap();
        let aside = stats.kept_aside.expect("the old output is kept aside with the file");
        assert_eq!(
            std::fs::read_to_string(aside.join(name)).unwrap(),
            "the user's",
            "{name}"
        );
        assert!(!root.join(".public.quire-spare").exists(), "{name}");
    }
}

#[test]
fn the_previous_file_is_reused_only_while_it_holds_what_quire_wrote() {
    let root = temp("reuse");
    let out = root.join("public");
    let page = "<p>a page</p>".repeat(10_000);
    write(&files(&[("a/index.html", &page), ("b/index.html", "B")]), &root, &out).unwrap();
    std::fs::write(out.join("b/index.html"), "edited by hand").unwrap();
    std::fs::write(out.join("theirs.html"), "B").unwrap();
    let guard = Guard::new(&root, &out).unwrap();
    let stage = Streamed::open(&guard, true).unwrap();
    let (hash, len) = (content_hash(page.as_bytes()), page.len() as u64);
    assert_eq!(stage.reuse("a/index.html", hash, len), Ok(true));
    assert_eq!(stage.reuse("a/index.html", hash ^ 1, len), Ok(false), "other bytes");
    let b = (content_hash(b"B"), 1);
    assert_eq!(stage.reuse("b/index.html", b.0, b.1), Ok(false), "edited since");
    assert_eq!(stage.reuse("theirs.html", b.0, b.1), Ok(false), "not Quire's");
    assert_eq!(stage.reuse("gone/index.html", b.0, b.1), Ok(false));
    stage.bytes("b/index.html".into(), b"B".to_vec()).unwrap();
    let s = stage.finish().unwrap();
    assert_eq!((s.written, s.unchanged), (1, 1));
    assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), page);
    assert_eq!(std::fs::read_to_string(out.join("b/index.html")).unwrap(), "B");
    assert!(
        Collect::default().reuse("a/index.html", hash, len) == Ok(false),
        "nothing in memory"
    );
}

#[test]
fn refuses_to_replace_what_it_did_not_write() {
    let root = temp("theirs");
    let out = root.join("public");
    std::fs::create_dir_all(out.join("404.html")).unwrap();
    std::fs::write(out.join("404.html/USERFILE"), "data").unwrap();
    std::fs::write(out.join("index.html"), "mine").unwrap();
    let e = write(&files(&[("404.html", "nf"), ("index.html", "home")]), &root, &out).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("404.html"), "{text}");
    assert!(text.contains("index.html"), "{text}");
    assert_eq!(std::fs::read_to_string(out.join("404.html/USERFILE")).unwrap(), "data");
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "mine");
}

#[test]
fn a_leftover_stage_is_cleared_and_a_foreign_one_refused() {
    let root = temp("leftover");
    let out = root.join("public");
    let stage = root.join(".public.quire-stage");
    std::fs::create_dir_all(stage.join("half/done")).unwrap();
    std::fs::write(stage.join(MANIFEST), "half/done/x\n").unwrap();
    std::fs::write(stage.join("half/done/x"), "partial").unwrap();
    write(&files(&[("index.html", "home")]), &root, &out).unwrap();
    assert!(!stage.exists());
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::write(stage.join("precious"), "not Quire's").unwrap();
    assert!(write(&files(&[("index.html", "home")]), &root, &out).is_err());
    assert!(stage.join("precious").exists());
}

#[test]
fn a_build_killed_while_the_spare_changes_hands_leaves_what_the_next_build_clears() {
    // Killed between the rename that makes the spare the stage and anything after it, or
    // in `keep` between writing the spare's lists and its rename: either way the tree
    // Quire kept (its manifest, lists, and a link to the user's file) is at the stage's
    // path. The next build clears it and writes what a build without spare writes.
    let steps = [
        files(&[("index.html", "1"), ("a/x", "x")]),
        files(&[("index.html", "2"), ("a/x", "x")]),
        files(&[("index.html", "3"), ("b/y", "y")]),
    ];
    let mut trees = Vec::new();
    for kill in [false, true] {
        let root = temp(&format!("spare-kill-{kill}"));
        let out = root.join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("mine.txt"), "the user's").unwrap();
        write(&steps[0], &root, &out).unwrap();
        write(&steps[1], &root, &out).unwrap();
        let spare = root.join(".public.quire-spare");
        assert!(spare.join(".quire-carried").is_file());
        if kill {
            std::fs::rename(&spare, root.join(".public.quire-stage")).unwrap();
        } else {
            std::fs::remove_dir_all(&spare).unwrap();
        }
        write(&steps[2], &root, &out).unwrap();
        assert!(
            !root.join(".public.quire-stage").exists(),
            "the leftover stage is cleared"
        );
        assert_eq!(std::fs::read_to_string(out.join("mine.txt")).unwrap(), "the user's");
        trees.push(tree(&out));
    }
    assert_eq!(trees[0], trees[1]);
}

#[test]
fn an_output_moved_aside_mid_swap_is_restored() {
    let root = temp("aside");
    let out = root.join("public");
    write(&files(&[("index.html", "old")]), &root, &out).unwrap();
    std::fs::rename(&out, root.join(".public.quire-old")).unwrap();
    // The next build starts from the restored previous output: nothing is new but "b".
    let s = write(&files(&[("index.html", "old"), ("b", "b")]), &root, &out).unwrap();
    assert_eq!((s.written, s.unchanged), (1, 1));
    assert!(!root.join(".public.quire-old").exists());
}

#[test]
fn a_streamed_build_dropped_before_it_finishes_leaves_the_output_as_it_was() {
    let root = temp("streamed-drop");
    let out = root.join("public");
    write(&files(&[("index.html", "old")]), &root, &out).unwrap();
    let guard = Guard::new(&root, &out).unwrap();
    {
        let stage = Streamed::open(&guard, true).unwrap();
        stage.bytes("index.html".into(), b"new".to_vec()).unwrap();
        stage.bytes("deep/a/index.html".into(), b"new".to_vec()).unwrap();
        assert!(
            root.join(".public.quire-stage/deep/a/index.html").is_file(),
            "written as it comes"
        );
        // A page fails to render here: the stage is dropped unfinished.
    }
    assert!(!root.join(".public.quire-stage").exists(), "the stage is removed");
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
    assert!(!out.join("deep").exists());
}

#[test]
fn a_streamed_build_that_would_replace_a_users_file_fails_at_the_end_and_changes_nothing() {
    let root = temp("streamed-clash");
    let out = root.join("public");
    write(&files(&[("index.html", "old")]), &root, &out).unwrap();
    std::fs::write(out.join("notes.txt"), "the user's").unwrap();
    let guard = Guard::new(&root, &out).unwrap();
    let stage = Streamed::open(&guard, true).unwrap();
    stage.bytes("index.html".into(), b"new".to_vec()).unwrap();
    stage.bytes("notes.txt".into(), b"generated".to_vec()).unwrap();
    let e = stage.finish().unwrap_err().to_string();
    assert!(e.contains("notes.txt") && e.contains("did not write"), "{e}");
    assert!(!root.join(".public.quire-stage").exists(), "the stage is removed");
    assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "the user's");
}

#[test]
fn refuses_dangerous_output_folders() {
    let root = temp("danger");
    std::fs::create_dir_all(root.join("site")).unwrap();
    let o = Output::default();
    assert!(write(&o, &root, &root).is_err());
    assert!(write(&o, &root, &root.join("site/out")).is_err());
    assert!(write(&o, &root, root.parent().unwrap()).is_err());
    assert!(write(&o, &root, &root.join("nonexistent/..")).is_err());
}
