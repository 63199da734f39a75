//! Input hygiene on whole sites: asset-only folders, percent-encoded asset names, BOM, where
//! front matter may stand, symbolic links, and errors of every file reported in one run.
//! `check`, `build` and the dev server's routing must agree on each.

mod common;
use common::*;
use quire::serve::http::{Reply, route};
use std::path::Path;

/// A site with a home page and the given files (path under the root, bytes).
fn site(name: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let root = temp_dir(name);
    std::fs::write(root.join("quire.toml"), "title = \"Input\"\n").unwrap();
    std::fs::create_dir_all(root.join("site")).unwrap();
    std::fs::write(root.join("site/_index.md"), "---\ntitle: Home\n---\nHome.\n").unwrap();
    for (path, bytes) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    root
}

fn html(root: &Path, file: &str) -> String {
    String::from_utf8(std::fs::read(root.join("out").join(file)).unwrap()).unwrap()
}

/// Builds with the binary (after `check`), and returns the dev server's in-memory output.
fn check_build_and_serve(root: &Path) -> quire::output::Output {
    quire_ok(&["check", "--root", root.to_str().unwrap()]);
    build(root, &root.join("out"), &[]);
    let site = quire::Site::load(root, &Default::default()).unwrap();
    quire::build::render_output(&site).unwrap()
}

/// Every `src`/`href` of `page` that names a file must be served, and built, as that file.
fn assert_urls_reach(root: &Path, output: &quire::output::Output, page: &str, want: &[&str]) {
    let text = html(root, page);
    let urls: Vec<String> = attr_values(&text, "src")
        .into_iter()
        .chain(attr_values(&text, "href"))
        .filter(|u| u.starts_with('/') && !u.ends_with('/') && !u.contains("/assets/") && !u.contains("pagefind"))
        .filter(|u| !u.ends_with(".xml") && !u.ends_with(".ico"))
        .collect();
    for file in want {
        let hit = urls.iter().find(|u| url_to_file(u, "/").as_deref() == Some(*file));
        let url = hit.unwrap_or_else(|| panic!("no URL on {page} reaches {file}; URLs: {urls:?}"));
        assert!(!url.contains(' ') && url.is_ascii(), "{url} is not percent-encoded");
        assert!(root.join("out").join(file).is_file(), "build lacks {file}");
        match route(url, "/", output) {
            Reply::File { path, .. } => assert_eq!(path, *file, "served {url}"),
            other => panic!("the dev server answers {url} with {other:?}"),
        }
    }
}

#[test]
fn images_in_a_folder_without_pages_keep_their_folder() {
    let root = site(
        "asset-folder",
        &[
            ("site/images/logo.png", b"PNG"),
            ("site/images/deep/icon.png", b"PNG"),
            (
                "site/img.md",
                b"---\ntitle: Img\n---\n![logo](images/logo.png) ![icon](images/deep/icon.png)\n",
            ),
        ],
    );
    let output = check_build_and_serve(&root);
    assert!(!html(&root, "img/index.html").contains("//logo.png"));
    assert_urls_reach(
        &root,
        &output,
        "img/index.html",
        &["images/logo.png", "images/deep/icon.png"],
    );
}

#[test]
fn asset_names_that_need_escaping_are_percent_encoded() {
    let page = "---\ntitle: Files\n---\n\
        ![space](<files/a b.png>)\n\
        ![hash](files/a%23b.png)\n\
        ![question](files/a%3Fb.png)\n\
        ![percent](files/100%25.png)\n\
        ![accent](files/café.png)\n\
        [quote](files/a%22b.txt)\n";
    let root = site(
        "escaped-assets",
        &[
            ("site/files/a b.png", b"1"),
            ("site/files/a#b.png", b"2"),
            ("site/files/a?b.png", b"3"),
            ("site/files/100%.png", b"4"),
            ("site/files/café.png", b"5"),
            ("site/files/a\"b.txt", b"6"),
            ("site/files.md", page.as_bytes()),
        ],
    );
    let output = check_build_and_serve(&root);
    let text = html(&root, "files/index.html");
    assert!(text.contains("src=\"/files/a%23b.png\""), "{text}");
    assert!(text.contains("src=\"/files/caf%C3%A9.png\""), "{text}");
    assert_urls_reach(
        &root,
        &output,
        "files/index.html",
        &[
            "files/a b.png",
            "files/a#b.png",
            "files/a?b.png",
            "files/100%.png",
            "files/café.png",
            "files/a\"b.txt",
        ],
    );
}

#[test]
fn bom_blank_lines_and_empty_front_matter() {
    let root = site(
        "front-matter-position",
        &[
            ("site/bom.md", b"\xEF\xBB\xBF---\ntitle: With BOM\n---\nBody one.\n"),
            ("site/blank.md", b"\n\n---\ntitle: After blank lines\n---\nBody two.\n"),
            ("site/empty.md", b"---\n---\n# Empty front matter\n\nBody three.\n"),
            (
                "site/toml.md",
                b"\xEF\xBB\xBF\n+++\ntitle = \"TOML after both\"\n+++\nBody four.\n",
            ),
        ],
    );
    check_build_and_serve(&root);
    for (file, title, body) in [
        ("bom/index.html", "With BOM", "Body one."),
        ("blank/index.html", "After blank lines", "Body two."),
        ("empty/index.html", "Empty front matter", "Body three."),
        ("toml/index.html", "TOML after both", "Body four."),
    ] {
        let text = html(&root, file);
        assert!(text.contains(&format!(">{title}</h1>")), "{file}: {text}");
        let visible = visible_text(&text);
        assert!(visible.contains(body), "{file}");
        assert!(
            !visible.contains("title:") && !visible.contains("title ="),
            "{file}: {visible}"
        );
        assert!(!text.contains('\u{FEFF}'), "{file} keeps the BOM");
    }
}

#[test]
fn a_dashed_block_in_the_body_is_markdown_not_front_matter() {
    let root = site(
        "body-block",
        &[(
            "site/a.md",
            b"---\ntitle: A\n---\nIntro.\n\n---\nkey: visible value\n---\n\nAfter.\n",
        )],
    );
    check_build_and_serve(&root);
    let text = html(&root, "a/index.html");
    assert!(text.contains("<hr />"), "{text}");
    assert!(visible_text(&text).contains("key: visible value"), "{text}");
    assert!(visible_text(&text).contains("After."));
}

#[cfg(unix)]
#[test]
fn symbolic_links_inside_the_project_are_followed() {
    let root = site(
        "symlinks",
        &[
            ("shared/page.md", b"---\ntitle: Linked page\n---\nFrom a link.\n"),
            (
                "shared/folder/_index.md",
                b"---\ntitle: Linked folder\n---\nA folder.\n",
            ),
            (
                "shared/folder/inner.md",
                b"---\ntitle: Inner\n---\nSee [home](../_index.md).\n",
            ),
            (
                "site/links.md",
                b"---\ntitle: Links\n---\n[page](linked.md) and [inner](docs/inner.md)\n",
            ),
        ],
    );
    std::os::unix::fs::symlink("../shared/page.md", root.join("site/linked.md")).unwrap();
    std::os::unix::fs::symlink(root.join("shared/folder"), root.join("site/docs")).unwrap();
    check_build_and_serve(&root);
    assert!(html(&root, "linked/index.html").contains("From a link."));
    assert!(html(&root, "docs/inner/index.html").contains("Inner"));
    let links = html(&root, "links/index.html");
    assert!(
        links.contains("href=\"/linked/\"") && links.contains("href=\"/docs/inner/\""),
        "{links}"
    );
}

#[test]
fn errors_of_every_file_are_reported_together_and_a_bad_page_still_exists() {
    let root = site(
        "all-errors",
        &[
            ("site/a.md", b"---\ntitle: A\nweight: heavy\ntitel: x\n---\n## Part\n"),
            ("site/b.md", b"---\ntitle: B\n---\n[A](a.md#part) [gone](gone.md)\n"),
            ("site/c.md", b"---\ntitle: C\n---\nUses [[Nothing]].\n"),
            ("site/glossary/_index.md", b"---\ntitle: Glossary\n---\n"),
            (
                "site/glossary/cpo.md",
                b"---\ntitle: CPO\nsummary: Optics.\n---\nOptics.\n",
            ),
        ],
    );
    std::fs::write(root.join("quire.toml"), "title = \"Input\"\nthem = \"x\"\n").unwrap();
    for command in ["check", "build"] {
        let out = quire(&[command, "--root", root.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        for line in [
            "quire.toml:2:1: error: unknown field `them`",
            "site/a.md:3:9: error: invalid front matter",
            "site/a.md:4:1: error: invalid front matter: unknown field `titel`",
            "site/b.md:4:16: error: the link `gone.md`",
            "site/c.md:4:6: error: `[[Nothing]]`",
            "5 errors found",
        ] {
            assert!(stderr.contains(line), "{command}: no {line:?} in\n{stderr}");
        }
        // a.md exists despite its front matter, so b.md's link to it and its anchor resolve.
        assert!(!stderr.contains("a.md#part"), "{stderr}");
        assert!(!root.join("public").exists());
    }
}

#[test]
fn nul_bytes_never_reach_the_output() {
    let root = site(
        "nul",
        &[("site/a.md", b"---\ntitle: A\x00\ndescription: d\x00\n---\nx\x00y\n")],
    );
    let out = quire(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("site/a.md:2:9: error: this file contains a NUL byte (and 2 more)"),
        "{stderr}"
    );
    let site = quire::Site::load(&root, &Default::default());
    assert!(site.is_err());
}
