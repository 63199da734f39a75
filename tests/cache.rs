//! The build cache (`.quire-cache/`): a build that reuses it writes exactly the bytes of a
//! build without it, whatever changed in between, and a damaged or foreign cache is ignored.

mod common;

use common::{build, copy_dir, read_tree, repo, temp_dir};
use std::path::{Path, PathBuf};

/// A copy of the basic fixture (pages, sections, a glossary, search on).
fn fixture(name: &str) -> PathBuf {
    let root = temp_dir(name);
    copy_dir(&repo().join("tests/fixtures/basic"), &root);
    root
}

fn cache_file(root: &Path) -> PathBuf {
    root.join(".quire-cache/search-en.cbor")
}

fn append(path: &Path, text: &str) {
    let mut body = std::fs::read_to_string(path).unwrap();
    body.push_str(text);
    std::fs::write(path, body).unwrap();
}

#[test]
fn a_build_from_the_cache_writes_the_bytes_of_a_build_without_it() {
    let root = fixture("cache-same");
    let out = temp_dir("cache-same-out");
    build(&root, &out.join("first"), &[]);
    let first_cache = std::fs::read(cache_file(&root)).expect("the first build fills the cache");
    let ignore = std::fs::read_to_string(root.join(".quire-cache/.gitignore")).unwrap();
    assert!(
        ignore.lines().any(|l| l == "*"),
        "the cache folder ignores itself: {ignore}"
    );

    // A body edit with a glossary term, a title edit and a new page.
    append(
        &root.join("site/02-alpha.md"),
        "\nA new sentence about compute and trust.\n",
    );
    let zeta = std::fs::read_to_string(root.join("site/zeta.md")).unwrap();
    assert!(zeta.starts_with("# Zeta from heading"));
    std::fs::write(
        root.join("site/zeta.md"),
        zeta.replacen("Zeta from heading", "Zeta renamed", 1),
    )
    .unwrap();
    std::fs::write(
        root.join("site/03-new.md"),
        "---\ntitle: Brand new\n---\nFresh words: quokka.\n",
    )
    .unwrap();

    build(&root, &out.join("cached"), &[]);
    let second_cache = std::fs::read(cache_file(&root)).unwrap();
    assert_ne!(first_cache, second_cache, "the cache follows the site");
    build(&root, &out.join("uncached"), &["--no-cache"]);
    assert_eq!(
        std::fs::read(cache_file(&root)).unwrap(),
        second_cache,
        "--no-cache does not write the cache"
    );
    let (cached, uncached) = (read_tree(&out.join("cached")), read_tree(&out.join("uncached")));
    assert_eq!(cached.keys().collect::<Vec<_>>(), uncached.keys().collect::<Vec<_>>());
    for (path, bytes) in &uncached {
        assert!(cached[path] == *bytes, "{path} differs with the cache");
    }
    assert!(
        cached.keys().any(|k| k.starts_with("pagefind/fragment/")),
        "search is on"
    );

    // Deleting the folder gives the same bytes again.
    std::fs::remove_dir_all(root.join(".quire-cache")).unwrap();
    build(&root, &out.join("deleted"), &[]);
    assert_eq!(read_tree(&out.join("deleted")), uncached);

    // A page removed: its part leaves the cache and the index.
    std::fs::remove_file(root.join("site/03-new.md")).unwrap();
    build(&root, &out.join("removed-cached"), &[]);
    build(&root, &out.join("removed-uncached"), &["--no-cache"]);
    let removed = read_tree(&out.join("removed-cached"));
    assert_eq!(removed, read_tree(&out.join("removed-uncached")));
    assert_ne!(removed, uncached);
}

#[test]
fn a_damaged_or_foreign_cache_is_ignored() {
    let root = fixture("cache-damaged");
    let out = temp_dir("cache-damaged-out");
    build(&root, &out.join("clean"), &["--no-cache"]);
    let clean = read_tree(&out.join("clean"));
    // Every damaged file is read by a rebuild in place, where each cache would be used.
    let filled = out.join("fill");
    build(&root, &filled, &[]);
    for file in ["search-en.cbor", "pages.cbor", "bodies.cbor", "bodies-recent.cbor"] {
        let path = root.join(".quire-cache").join(file);
        let good = std::fs::read(&path).unwrap_or_else(|e| panic!("{file} is written: {e}"));
        let mut flipped = good.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x40;
        let damaged: [(&str, Vec<u8>); 4] = [
            ("one byte changed", flipped),
            ("cut short", good[..good.len() / 3].to_vec()),
            ("another version", b"quire-cache 0.0.1\n\x80".to_vec()),
            ("not a cache", b"hello".to_vec()),
        ];
        for (what, bytes) in damaged {
            std::fs::write(&path, &bytes).unwrap();
            build(&root, &filled, &[]);
            assert_eq!(
                read_tree(&filled),
                clean,
                "{file}, {what}: same bytes as without a cache"
            );
            // Written again whole (a page's words may come out in another order).
            let again = std::fs::read(&path).unwrap();
            assert!(
                again != bytes && again.len() == good.len(),
                "{file}, {what}: written again"
            );
            let dir = out.join(what.replace(' ', "-"));
            std::fs::write(&path, &bytes).unwrap();
            build(&root, &dir, &[]);
            assert_eq!(read_tree(&dir), clean, "{file}, {what}: same bytes in a new output");
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    // A part file left by a killed build is cleared by the next build.
    let good = std::fs::read(cache_file(&root)).unwrap();
    let leftover = root.join(".quire-cache/.search-en.cbor.99999.part");
    std::fs::write(&leftover, &good[..10]).unwrap();
    build(&root, &out.join("after-kill"), &[]);
    assert!(!leftover.exists());
    assert_eq!(read_tree(&out.join("after-kill")), clean);
}

/// The bodies of pages edited since the full bodies file was written go into the recent
/// file alone; a recent file that goes with another full file, or a damaged one, is ignored.
#[test]
fn a_few_edits_rewrite_only_the_recent_bodies() {
    let root = fixture("cache-recent");
    // Enough pages that one page is a small part of all the bodies.
    std::fs::create_dir_all(root.join("site/filler")).unwrap();
    for n in 0..40 {
        let text = format!("# Filler {n}\n\n{}\n", "Words about compute and chips. ".repeat(30));
        std::fs::write(root.join(format!("site/filler/{n:02}.md")), text).unwrap();
    }
    let out = temp_dir("cache-recent-out");
    let full = root.join(".quire-cache/bodies.cbor");
    let recent = root.join(".quire-cache/bodies-recent.cbor");
    build(&root, &out.join("first"), &[]);
    let (first_full, first_recent) = (std::fs::read(&full).unwrap(), std::fs::read(&recent).unwrap());
    let same_as_clean = |name: &str| {
        build(&root, &out.join(name), &[]);
        build(&root, &out.join(format!("{name}-clean")), &["--no-cache"]);
        assert_eq!(
            read_tree(&out.join(name)),
            read_tree(&out.join(format!("{name}-clean"))),
            "{name}"
        );
    };

    let intro = std::fs::read_to_string(root.join("site/01-intro.md")).unwrap();
    append(&root.join("site/01-intro.md"), "\nOne more sentence about compute.\n");
    same_as_clean("one-edit");
    assert!(
        std::fs::read(&full).unwrap() == first_full,
        "the full file is not rewritten"
    );
    let one_edit = std::fs::read(&recent).unwrap();
    assert!(
        one_edit.len() > first_recent.len() + 100,
        "the edited page's body is in the recent file"
    );

    // The edit undone: the body in the full file is the page's again, and the recent file
    // no longer holds what no page uses.
    std::fs::write(root.join("site/01-intro.md"), &intro).unwrap();
    same_as_clean("undone");
    assert!(std::fs::read(&full).unwrap() == first_full);
    assert_eq!(std::fs::read(&recent).unwrap().len(), first_recent.len());

    // An older recent file, without the edited page: the page is rendered again.
    append(&root.join("site/01-intro.md"), "\nOne more sentence about compute.\n");
    std::fs::write(&recent, &first_recent).unwrap();
    same_as_clean("older-recent");
    // (The same length: a body's set of ids is encoded in no fixed order.)
    assert_eq!(
        std::fs::read(&recent).unwrap().len(),
        one_edit.len(),
        "the page's body is kept again"
    );

    // A damaged recent file counts as empty.
    let mut damaged = std::fs::read(&recent).unwrap();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x40;
    std::fs::write(&recent, &damaged).unwrap();
    same_as_clean("damaged-recent");

    // Most pages edited: everything is written to the full file again.
    for n in 0..30 {
        append(&root.join(format!("site/filler/{n:02}.md")), "\nEdited.\n");
    }
    same_as_clean("most-pages");
    assert!(
        std::fs::read(&full).unwrap() != first_full,
        "the full file is written again"
    );
    assert!(
        std::fs::read(&recent).unwrap().len() < first_recent.len() + 8,
        "and the recent file is empty"
    );
}

/// Output files are trusted from their stamps (`stat` as the last build saw it) instead of
/// being read back; a file edited by hand is still found, whatever was put back: its size,
/// its modification time, its name (another file renamed over it).
#[test]
fn a_hand_edited_output_file_is_written_again_whatever_it_put_back() {
    let root = fixture("cache-stamps");
    let out = root.join("public");
    build(&root, &out, &[]);
    let clean = read_tree(&out);
    let page = out.join("intro/index.html");
    let original = std::fs::read_to_string(&page).unwrap();
    assert!(original.contains("<title>"));
    // Files are stamped only once they are more than two seconds old.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build(&root, &out, &[]);
    let stamps = std::fs::read(root.join(".quire-cache/output.cbor")).expect("the build stamps its files");
    assert!(
        stamps
            .windows(b"intro/index.html".len())
            .any(|w| w == b"intro/index.html"),
        "the page is stamped"
    );
    let times = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let put_back = |path: &Path, modified| {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(modified)
            .unwrap();
    };

    // Edited in place, same length, modification time put back.
    let before = times(&page);
    std::fs::write(&page, original.replacen("<title>", "<titl2>", 1)).unwrap();
    put_back(&page, before);
    build(&root, &out, &[]);
    assert_eq!(read_tree(&out), clean, "edited in place");

    // Another file of the same length and time renamed over it.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build(&root, &out, &[]);
    let before = times(&page);
    let other = root.join("other.html");
    std::fs::write(&other, original.replacen("<title>", "<titl3>", 1)).unwrap();
    put_back(&other, before);
    std::fs::rename(&other, &page).unwrap();
    build(&root, &out, &[]);
    assert_eq!(read_tree(&out), clean, "renamed over");
}

#[test]
fn no_cache_writes_no_cache_folder_and_the_cache_is_never_an_output_folder() {
    let root = fixture("cache-off");
    build(&root, &root.join("public"), &["--no-cache"]);
    assert!(!root.join(".quire-cache").exists());
    let out = common::quire(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        root.join(".quire-cache/out").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("inside the site's .quire-cache/ folder"), "{stderr}");
}

/// Rebuilds into the same output folder (where the cache reuses unchanged pages and the
/// previous output becomes the next stage) write, after each kind of edit, exactly what a
/// clean build of the same site writes.
#[test]
fn rebuilds_in_place_write_the_bytes_of_clean_builds_after_each_kind_of_edit() {
    let root = fixture("cache-in-place");
    let out = root.join("public");
    let clean = temp_dir("cache-in-place-clean");
    let page_template = std::fs::read_to_string(repo().join("themes/default/templates/page.html")).unwrap();
    let edit = |path: &str, from: &str, to: &str| {
        let file = root.join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(from), "{path} holds {from:?}");
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
    };
    type Step<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let steps: Vec<Step> = vec![
        ("nothing changed", Box::new(|| {})),
        (
            "a page's body",
            Box::new(|| append(&root.join("site/02-alpha.md"), "\nMore words.\n")),
        ),
        (
            "a title shown by its neighbours",
            Box::new(|| edit("site/02-alpha.md", "title: Alpha by prefix", "title: Alpha renamed")),
        ),
        (
            "a term's summary, shown on every page using it",
            Box::new(|| {
                edit(
                    "site/glossary/cpo.md",
                    "Optics packaged beside",
                    "Optical engines packaged beside",
                )
            }),
        ),
        (
            "a term's spelling",
            Box::new(|| edit("site/glossary/compute.md", "\"computing power\", ", "")),
        ),
        (
            "a new page",
            Box::new(|| {
                std::fs::write(
                    root.join("site/guide/20-new.md"),
                    "---\ntitle: New\n---\nNew page about compute.\n",
                )
                .unwrap()
            }),
        ),
        (
            "a removed page",
            Box::new(|| std::fs::remove_file(root.join("site/guide/20-new.md")).unwrap()),
        ),
        (
            "the site's title",
            Box::new(|| edit("quire.toml", "title = \"Basic fixture\"", "title = \"Renamed fixture\"")),
        ),
        (
            "a template",
            Box::new(|| {
                std::fs::create_dir_all(root.join("themes/default/templates")).unwrap();
                std::fs::write(
                    root.join("themes/default/templates/page.html"),
                    page_template.replacen("</article>", "<p>template edited</p></article>", 1),
                )
                .unwrap();
            }),
        ),
        (
            "the URL of a page others link to (its slug), their text unchanged",
            Box::new(|| edit("site/guide/10-setup.md", "---\n", "---\nslug: installing\n")),
        ),
        (
            "the base URL, which every link of every body starts with",
            Box::new(|| {
                edit(
                    "quire.toml",
                    "https://example.com/docs/",
                    "https://example.org/handbook/",
                )
            }),
        ),
        (
            "a page that starts including a file",
            Box::new(|| {
                std::fs::create_dir_all(root.join("snippets")).unwrap();
                std::fs::write(root.join("snippets/part.md"), "Included words about compute.\n").unwrap();
                append(&root.join("site/zeta.md"), "\n{{#include ../snippets/part.md}}\n");
            }),
        ),
        (
            "only the included file",
            Box::new(|| std::fs::write(root.join("snippets/part.md"), "Other included words.\n").unwrap()),
        ),
        (
            "a page using a term's spelling in other letter case",
            Box::new(|| append(&root.join("site/zeta.md"), "\nA lowercase cpo sits here.\n")),
        ),
        (
            "only the term's case sensitivity, the page using it unchanged",
            Box::new(|| {
                edit(
                    "site/glossary/cpo.md",
                    "title: CPO\n",
                    "title: CPO\ncase_sensitive: false\n",
                )
            }),
        ),
        (
            "a page file edited in the output by hand, keeping its length",
            Box::new(|| {
                let mut bytes = std::fs::read(out.join("index.html")).unwrap();
                let middle = bytes.len() / 2;
                bytes[middle] = if bytes[middle] == b'x' { b'y' } else { b'x' };
                std::fs::write(out.join("index.html"), bytes).unwrap();
            }),
        ),
    ];
    assert!(page_template.contains("</article>"));
    for (n, (what, step)) in steps.iter().enumerate() {
        step();
        build(&root, &out, &[]);
        let fresh = clean.join(n.to_string());
        build(&root, &fresh, &["--no-cache"]);
        let (built, expected) = (read_tree(&out), read_tree(&fresh));
        let differ: Vec<&String> = expected.keys().filter(|k| built.get(*k) != expected.get(*k)).collect();
        assert!(
            differ.is_empty(),
            "after editing {what}: {differ:?} differ from a clean build"
        );
        assert_eq!(
            built.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "after editing {what}"
        );
    }
    assert!(root.join(".quire-cache/pages.cbor").is_file(), "the pages are cached");
    assert!(
        root.join(".quire-cache/bodies.cbor").is_file(),
        "the Markdown is cached"
    );
    let built = read_tree(&out);
    assert!(String::from_utf8_lossy(&built["alpha/index.html"]).contains("template edited"));
    let zeta = String::from_utf8_lossy(&built["zeta/index.html"]).into_owned();
    assert!(
        zeta.contains("Other included words."),
        "the include's edit reached the page"
    );
    assert!(
        zeta.contains(">cpo</a>"),
        "a cached page links a spelling once the term stops being case-sensitive"
    );
    let intro = String::from_utf8_lossy(&built["intro/index.html"]).into_owned();
    assert!(
        intro.contains("href=\"/handbook/guide/installing/#install\""),
        "an unchanged page's link follows its target's new URL"
    );
}

/// An include whose path leads elsewhere through a symbolic link now (the file it read
/// before unchanged) renders the page again, and one that now leads outside the project
/// fails the build as it would without the cache.
#[cfg(unix)]
#[test]
fn an_include_through_a_retargeted_link_renders_the_page_again() {
    let root = fixture("cache-include-link");
    for (version, text) in [("v1", "Version one words."), ("v2", "Version two words.")] {
        std::fs::create_dir_all(root.join("snippets").join(version)).unwrap();
        std::fs::write(root.join("snippets").join(version).join("part.md"), text).unwrap();
    }
    std::os::unix::fs::symlink("v1", root.join("snippets/current")).unwrap();
    append(
        &root.join("site/zeta.md"),
        "\n{{#include ../snippets/current/part.md}}\n",
    );
    let out = root.join("public");
    build(&root, &out, &[]);
    assert!(String::from_utf8_lossy(&read_tree(&out)["zeta/index.html"]).contains("Version one words."));
    std::fs::remove_file(root.join("snippets/current")).unwrap();
    std::os::unix::fs::symlink("v2", root.join("snippets/current")).unwrap();
    build(&root, &out, &[]);
    let clean = temp_dir("cache-include-link-clean");
    build(&root, &clean, &["--no-cache"]);
    assert_eq!(read_tree(&out), read_tree(&clean), "same bytes as a clean build");
    assert!(String::from_utf8_lossy(&read_tree(&out)["zeta/index.html"]).contains("Version two words."));
    let outside = temp_dir("cache-include-link-outside");
    std::fs::write(outside.join("part.md"), "Outside words.").unwrap();
    std::fs::remove_file(root.join("snippets/current")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("snippets/current")).unwrap();
    let failed = common::quire(&["build", "--root", root.to_str().unwrap()]);
    assert!(
        !failed.status.success(),
        "the build fails as it would without the cache"
    );
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("outside the project"), "{stderr}");
}

/// A page taken from the cache still has its links checked against the pages as they are
/// now: a heading it links to that goes away fails the build, naming the cached page.
#[test]
fn a_cached_page_linking_to_a_heading_that_went_fails_the_build() {
    let root = fixture("cache-anchor");
    build(&root, &root.join("public"), &[]);
    let setup = root.join("site/guide/10-setup.md");
    let text = std::fs::read_to_string(&setup).unwrap();
    std::fs::write(&setup, text.replacen("## Install", "## Installation", 1)).unwrap();
    let before = read_tree(&root.join("public"));
    let out = common::quire(&["build", "--root", root.to_str().unwrap()]);
    assert!(!out.status.success(), "the build fails");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("site/01-intro.md:8") && stderr.contains("install"),
        "the error names the unchanged page's link: {stderr}"
    );
    assert_eq!(read_tree(&root.join("public")), before, "the output is as it was");
}
