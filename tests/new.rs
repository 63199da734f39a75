//! `quire new`: a site skeleton that builds with no warnings, numbered pages, term skeletons,
//! and no overwriting.

mod common;
use common::*;

#[test]
fn new_site_builds_cleanly_and_new_page_and_term_fit_in() {
    let dir = temp_dir("new").join("handbook");
    let d = dir.to_str().unwrap();
    quire_ok(&["new", "site", d]);
    let check = quire(&["check", "--root", d, "--strict"]);
    assert!(
        check.status.success(),
        "a new site has no warnings: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let out = dir.join("public");
    let built = build(&dir, &out, &[]);
    assert!(built.starts_with("built 5 pages"), "{built}");
    assert!(out.join("guide/getting-started/index.html").exists());

    let path = quire_ok(&["new", "page", "Second step", "--in", "guide", "--root", d]);
    assert!(path.trim().ends_with("site/guide/02-second-step.md"), "{path}");
    let text = std::fs::read_to_string(path.trim()).unwrap();
    assert!(
        text.contains("title: \"Second step\"") && text.contains("weight: 1"),
        "{text}"
    );
    let third = quire_ok(&["new", "page", "Third step", "--in", "guide", "--root", d]);
    assert!(
        std::fs::read_to_string(third.trim()).unwrap().contains("weight: 2"),
        "weights follow the last"
    );

    let term = quire_ok(&["new", "term", "Static site", "--root", d]);
    assert!(term.trim().ends_with("site/glossary/static-site.md"));
    build(&dir, &out, &[]);
    assert!(out.join("glossary/static-site/index.html").exists());
}

#[test]
fn new_never_overwrites() {
    let dir = temp_dir("new-twice").join("s");
    let d = dir.to_str().unwrap();
    quire_ok(&["new", "site", d]);
    let again = quire(&["new", "site", d]);
    assert_eq!(again.status.code(), Some(1));
    quire_ok(&["new", "term", "Alpha", "--root", d]);
    let dup = quire(&["new", "term", "Alpha", "--root", d]);
    assert_eq!(dup.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let missing = quire(&["new", "page", "X", "--in", "nowhere", "--root", d]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("is not a section"));
}

#[test]
fn glossary_warnings_and_strict() {
    let root = fixture("basic");
    std::fs::write(
        root.join("site/glossary/unused.md"),
        "---\ntitle: Quasar\n---\nNever mentioned.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("site/glossary/twin.md"),
        "---\ntitle: Twin\naliases: [\"CPO\"]\nsummary: s.\n---\nx\n",
    )
    .unwrap();
    let lenient = quire(&["check", "--root", root.to_str().unwrap()]);
    assert!(lenient.status.success());
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    for expected in [
        "site/glossary/unused.md:1:1: warning: glossary term `Quasar` has no summary",
        "site/glossary/unused.md:1:1: warning: glossary term `Quasar` is never used",
        "site/glossary/twin.md:3:1: warning: `CPO` is defined twice",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in\n{stderr}");
    }
    let strict = quire(&["check", "--root", root.to_str().unwrap(), "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("error: glossary term `Quasar` is never used"));
}

#[test]
fn new_page_never_reuses_a_url_and_has_a_body() {
    let dir = temp_dir("new-page-twice").join("s");
    let d = dir.to_str().unwrap();
    quire_ok(&["new", "site", d]);
    let first = quire_ok(&["new", "page", "Test Page", "--root", d]);
    assert!(first.trim().ends_with("site/01-test-page.md"), "{first}");
    let again = quire(&["new", "page", "Test Page", "--root", d]);
    assert!(again.status.success());
    let second = String::from_utf8_lossy(&again.stdout).trim().to_string();
    assert!(second.ends_with("site/02-test-page-2.md"), "{second}");
    let note = String::from_utf8_lossy(&again.stderr);
    assert!(
        note.contains("`/test-page/` is taken") && note.contains("`/test-page-2/`"),
        "says why the name differs: {note}"
    );
    // A section folder's URL is taken too.
    let guide = quire_ok(&["new", "page", "Guide", "--root", d]);
    assert!(guide.trim().ends_with("site/03-guide-2.md"), "{guide}");
    let nested = quire_ok(&["new", "page", "Getting started", "--in", "guide", "--root", d]);
    assert!(
        nested.trim().ends_with("site/guide/02-getting-started-2.md"),
        "{nested}"
    );

    let text = std::fs::read_to_string(first.trim()).unwrap();
    let body = text.splitn(3, "---\n").nth(2).unwrap_or("");
    assert!(body.trim().len() > 20, "a short placeholder body: {text:?}");
    // The site still builds, every new page at its own URL.
    let out = dir.join("public");
    build(&dir, &out, &[]);
    for page in ["test-page", "test-page-2", "guide-2", "guide/getting-started-2"] {
        let html = std::fs::read_to_string(out.join(page).join("index.html")).unwrap();
        assert!(html.contains("Write this page here"), "{page}");
    }
}

#[test]
fn new_site_deploys_with_the_released_binary() {
    let dir = temp_dir("new-pages").join("s");
    quire_ok(&["new", "site", dir.to_str().unwrap()]);
    let workflow = std::fs::read_to_string(dir.join(".github/workflows/pages.yml")).unwrap();
    let version = format!("QUIRE_VERSION: \"{}\"", env!("CARGO_PKG_VERSION"));
    for expected in [
        version.as_str(),
        "releases/download/v${QUIRE_VERSION}",
        "x86_64-unknown-linux-gnu.tar.gz",
        "sha256sum --check --strict",
        "quire build --base-url",
        "actions/deploy-pages",
    ] {
        assert!(workflow.contains(expected), "missing {expected:?} in\n{workflow}");
    }
    assert!(!workflow.contains("cargo"), "a site's workflow never compiles Quire");
    assert!(!workflow.contains("{version}") && !workflow.contains("{repository}"));
    // The archive name is the one the release workflow makes.
    let release = include_str!("../.github/workflows/release.yml");
    assert!(release.contains("name=\"quire-${GITHUB_REF_NAME}-${TARGET}\""));
    assert!(release.contains("sha256sum -- quire-* > SHA256SUMS"));
}
