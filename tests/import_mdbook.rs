//! `quire import mdbook` on `tests/fixtures/import/mdbook`, a book that uses every construct
//! the importer maps: prefix and suffix chapters, part titles, nesting three deep, a
//! separator, a draft, a page without a heading, `.html`/`.md`/folder links with anchors,
//! reference links, raw HTML links, images, includes inside and outside `src/`, a file that
//! is not in SUMMARY.md, `[output.html.redirect]`, and settings Quire has no equivalent for.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// A copy of the fixture book, imported into `<tmp>/new`: (book, new site, stderr).
fn import(name: &str) -> (PathBuf, PathBuf, String) {
    let dir = temp_dir(name);
    let book = dir.join("book");
    copy_dir(&repo().join("tests/fixtures/import/mdbook"), &book);
    let new = dir.join("new");
    let out = quire(&[
        "import",
        "mdbook",
        book.to_str().unwrap(),
        "--into",
        new.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "import failed:\n{stderr}");
    (book, new, stderr)
}

fn built(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = site.join("public");
    build(site, &out, &[]);
    read_tree(&out)
}

fn text(tree: &std::collections::BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8_lossy(tree.get(path).unwrap_or_else(|| panic!("no {path}"))).into_owned()
}

#[test]
fn the_book_builds_and_every_old_url_leads_to_its_page() {
    let (book, new, report) = import("mdbook-urls");
    let tree = built(&new);
    let b = "/fixture-book/";
    // Every page mdBook wrote, and every redirect of book.toml.
    for (old, to) in [
        ("intro.html", "/fixture-book/"),
        (
            "ch01-getting-started.html",
            "/fixture-book/the-basics/ch01-getting-started/",
        ),
        ("ch02/index.html", "/fixture-book/the-basics/ch02/"),
        ("ch02/nesting.html", "/fixture-book/the-basics/ch02/nesting/"),
        ("ch02/no-heading.html", "/fixture-book/the-basics/ch02/no-heading/"),
        ("ch03-listings.html", "/fixture-book/reference/ch03-listings/"),
        ("appendix/terms.html", "/fixture-book/terms/"),
        ("print.html", "/fixture-book/"),
        ("getting-started.html", "/fixture-book/the-basics/ch01-getting-started/"),
        ("ch02/old-nesting.html", "/fixture-book/the-basics/ch02/nesting/#deeper"),
        ("elsewhere.html", "https://example.org/"),
    ] {
        assert_eq!(redirect_target(&tree, b, old).as_deref(), Some(to), "{old}");
        if let Some(file) = url_to_file(to, b) {
            assert!(tree.contains_key(&file), "{old} leads to {to}, which was not built");
        }
    }
    assert!(
        text(&tree, "index.html").contains("Welcome to the book"),
        "mdBook's index.html is the first chapter"
    );
    // The only broken link is the one the source has, and it is in the import's report.
    assert_eq!(
        broken_links(&tree, b, ""),
        ["the-basics/ch01-getting-started/index.html -> missing-chapter.html (outside the base path /fixture-book/)"]
    );
    assert!(
        report.contains("site/the-basics/ch01-getting-started.md:19:6: warning: the link `missing-chapter.html`"),
        "{report}"
    );
    // The source is never written to.
    let before = snapshot(&repo().join("tests/fixtures/import/mdbook"));
    assert!(snapshot_diff(&before, &snapshot(&book)).is_empty());
}

#[test]
fn order_nesting_titles_drafts_and_includes_are_kept() {
    let (_, new, _) = import("mdbook-order");
    let tree = built(&new);
    // Reading order is SUMMARY.md's: follow the `next` links from the home page.
    let mut order = Vec::new();
    let mut page = "index.html".to_string();
    while let Some(next) = text(&tree, &page)
        .split("<link rel=\"next\" href=\"")
        .nth(1)
        .and_then(|r| r.split('"').next().map(str::to_string))
    {
        order.push(next.clone());
        page = url_to_file(&next, "/fixture-book/").expect("under the base");
        assert!(order.len() < 20, "next links loop: {order:?}");
    }
    assert_eq!(
        order,
        [
            "/fixture-book/the-basics/",
            "/fixture-book/the-basics/ch01-getting-started/",
            "/fixture-book/the-basics/ch02/",
            "/fixture-book/the-basics/ch02/nesting/",
            "/fixture-book/the-basics/ch02/no-heading/",
            "/fixture-book/reference/",
            "/fixture-book/reference/ch03-listings/",
            "/fixture-book/terms/",
        ]
    );
    // A page without a heading is titled from SUMMARY.md; a heading that differs from the
    // SUMMARY.md title keeps the page's <h1> and gives the sidebar mdBook's shorter title.
    assert!(text(&tree, "the-basics/ch02/no-heading/index.html").contains(">A Page Without Heading</h1>"));
    let ch02 = text(&tree, "the-basics/ch02/index.html");
    assert!(ch02.contains(">Chapter Two: Nesting Things</h1>"), "{ch02}");
    assert!(ch02.contains("aria-current=\"page\">Chapter Two</a>"), "{ch02}");
    // The draft is a draft; separators and part titles are gone or sections.
    assert!(!tree.keys().any(|p| p.contains("not-written-yet")));
    let draft = std::fs::read_to_string(new.join("site/the-basics/not-written-yet.md")).unwrap();
    assert!(draft.contains("draft = true"), "{draft}");
    // Includes from inside and outside src/ work from the pages' new folders.
    assert!(text(&tree, "reference/ch03-listings/index.html").contains("Hello from the fixture book"));
    assert!(text(&tree, "the-basics/ch01-getting-started/index.html").contains("Hello from the fixture book"));
    assert!(text(&tree, "the-basics/ch02/no-heading/index.html").contains("An included snippet"));
    assert!(
        !tree.keys().any(|p| p.contains("snippet")),
        "a file not in SUMMARY.md is not a page"
    );
    // A link to a chapter's title heading (`#getting-started`) finds the page's <h1>.
    assert!(text(&tree, "the-basics/ch01-getting-started/index.html").contains("<h1 id=\"getting-started\">"));
    // Images keep their folder and are found from nested pages.
    assert!(tree.contains_key("img/logo.png"));
    assert!(text(&tree, "the-basics/ch02/nesting/index.html").contains("src=\"/fixture-book/img/logo.png\""));
}

#[test]
fn the_report_names_what_was_not_carried_over_at_its_line() {
    let (_, _, report) = import("mdbook-report");
    for expected in [
        "book.toml:8:1: warning: `rust.edition` is not carried over",
        "book.toml:10:15: warning: `preprocessor.katex` is not carried over",
        "book.toml:14:1: warning: `site-url = \"/fixture-book/\"` is only a path",
        "book.toml:15:1: warning: `output.html.git-repository-url` is not carried over",
        "book.toml:16:1: warning: `output.html.mathjax-support` is not carried over",
        "book.toml:18:14: warning: `output.html.fold` is not carried over",
        "src/ch03-listings.md:7:1: warning: `{{#playground}}` is not carried over",
        "src/ch02/snippet.md: warning: src/ch02/snippet.md is not in SUMMARY.md",
        "src/SUMMARY.md:1:1: warning: 1 separators",
        "12 links and 3 includes rewritten, 1 titles from the navigation, 1 drafts, 3 files copied, 11 redirects",
    ] {
        assert!(report.contains(expected), "missing `{expected}` in:\n{report}");
    }
    // Every note has a hint saying what to do.
    let warnings = report.lines().filter(|l| l.contains(": warning: ")).count();
    let hints = report.lines().filter(|l| l.trim_start().starts_with("hint: ")).count();
    assert_eq!(warnings, hints, "{report}");
}

#[test]
fn importing_twice_gives_the_same_bytes() {
    let (_, first, _) = import("mdbook-twice-a");
    let (_, second, _) = import("mdbook-twice-b");
    assert_eq!(read_tree(&first), read_tree(&second));
}

#[test]
fn an_import_never_overwrites_or_writes_into_its_source() {
    let dir = temp_dir("mdbook-refused");
    let book = dir.join("book");
    copy_dir(&repo().join("tests/fixtures/import/mdbook"), &book);
    let full = dir.join("full");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(full.join("keep.txt"), "mine").unwrap();
    let before = snapshot(&dir);
    for (into, says) in [
        (full.clone(), "is not empty"),
        (book.join("quire"), "is inside the source"),
        (book.join("src/x"), "is inside the source"),
    ] {
        let out = quire(&[
            "import",
            "mdbook",
            book.to_str().unwrap(),
            "--into",
            into.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
    let not_a_book = quire(&[
        "import",
        "mdbook",
        full.to_str().unwrap(),
        "--into",
        dir.join("x").to_str().unwrap(),
    ]);
    assert_eq!(not_a_book.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&not_a_book.stderr).contains("SUMMARY.md does not exist"));
    assert!(
        snapshot_diff(&before, &snapshot(&dir)).is_empty(),
        "{:?}",
        snapshot_diff(&before, &snapshot(&dir))
    );
}

#[test]
fn a_killed_imports_leftover_stage_is_replaced() {
    let dir = temp_dir("mdbook-leftover");
    let book = dir.join("book");
    copy_dir(&repo().join("tests/fixtures/import/mdbook"), &book);
    // What a killed import leaves: its stage beside the destination, never the destination.
    std::fs::create_dir_all(dir.join(".new.quire-import/site")).unwrap();
    std::fs::write(dir.join(".new.quire-import/site/half.md"), "half").unwrap();
    let new = dir.join("new");
    quire_ok(&[
        "import",
        "mdbook",
        book.to_str().unwrap(),
        "--into",
        new.to_str().unwrap(),
    ]);
    assert!(!new.join("site/half.md").exists());
    assert!(!dir.join(".new.quire-import").exists());
}
