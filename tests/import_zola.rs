//! `quire import zola` on `tests/fixtures/import/zola`, a Zola site that uses what the
//! importer maps: a home page after blank lines, sections with Zola-only settings, pages with
//! weights, dates, drafts (in YAML), aliases, `slug`, `path`, taxonomies and `[extra]`, a
//! dated file name, a page bundle with an image, `@/` links with anchors across sections,
//! URL links, a shortcode, an escaped shortcode in code, `static/`, `templates/` and `sass/`.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIXTURE: &str = "tests/fixtures/import/zola";

/// Runs `quire import zola SOURCE --into INTO`: (success, exit code, stderr).
fn run_import(source: &Path, into: &Path) -> (Option<i32>, String) {
    let out = quire(&[
        "import",
        "zola",
        source.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
    ]);
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A copy of the fixture site, imported into `<tmp>/new`: (site, new site, report).
fn import(name: &str) -> (PathBuf, PathBuf, String) {
    let dir = temp_dir(name);
    let site = dir.join("zola");
    copy_dir(&repo().join(FIXTURE), &site);
    let new = dir.join("new");
    let (code, report) = run_import(&site, &new);
    assert_eq!(code, Some(0), "import failed:\n{report}");
    (site, new, report)
}

fn text(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8_lossy(tree.get(path).unwrap_or_else(|| panic!("no {path}"))).into_owned()
}

#[test]
fn the_site_builds_and_every_old_url_leads_to_its_page() {
    let (site, new, report) = import("zola-urls");
    let before = snapshot(&site);
    assert_eq!(snapshot(&repo().join(FIXTURE)), before, "the copy is the fixture");

    // `quire build` of the result: no warning, nothing broken.
    let out = new.join("public");
    let built = quire(&[
        "build",
        "--root",
        new.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    let stdout = String::from_utf8_lossy(&built.stdout);
    assert!(built.status.success(), "{stdout}\n{stderr}");
    assert!(
        !stderr.contains("warning") && !stdout.contains("warning"),
        "{stdout}\n{stderr}"
    );
    let tree = read_tree(&out);
    assert_eq!(broken_links(&tree, "/", "https://example.com"), Vec::<String>::new());

    // Every URL Zola gave a page, worked out by hand, and every alias.
    let moved = [
        ("/intro/", "/docs/intro/"),
        ("/old/introduction.html", "/docs/intro/"),
        ("/2024/trip/", "/blog/trip/"),
        ("/about-us/", "/about/"),
        ("/field guides/tips/", "/field-guides/tips/"),
    ];
    for (old, to) in moved {
        assert_eq!(redirect_target(&tree, "/", old).as_deref(), Some(to), "{old}");
        let file = url_to_file(to, "/").unwrap();
        assert!(tree.contains_key(&file), "{old} leads to {to}, which was not built");
    }
    for same in [
        "/",
        "/docs/",
        "/docs/intro/",
        "/docs/getting-started/",
        "/docs/old-section/",
        "/blog/",
        "/blog/first-light/",
        "/blog/trip/",
    ] {
        let file = url_to_file(same, "/").unwrap();
        assert!(tree.contains_key(&file), "{same} is not built");
        assert_eq!(
            redirect_target(&tree, "/", same),
            None,
            "{same} is a page, not a redirect"
        );
    }
    assert!(report.contains(", 5 redirects"), "{report}");

    // Links: `@/` links with Zola's anchors now spelled as Quire's ids, URL links, the bundle's
    // image, a static file.
    let setup = text(&tree, "docs/getting-started/index.html");
    for href in ["/docs/intro/#whats-new", "/docs/intro/", "/blog/", "/"] {
        assert!(
            attr_values(&setup, "href").iter().any(|h| h == href),
            "no link to {href}"
        );
    }
    assert!(attr_values(&setup, "src").iter().any(|s| s == "/images/logo.svg"));
    let home = text(&tree, "index.html");
    assert!(
        attr_values(&home, "href")
            .iter()
            .any(|h| h == "/blog/first-light/#what-we-saw")
    );
    let trip = text(&tree, "blog/trip/index.html");
    assert!(attr_values(&trip, "src").iter().any(|s| s == "/blog/trip/camp.png"));
    assert!(
        tree.contains_key("blog/trip/camp.png") && tree.contains_key("CNAME") && tree.contains_key("images/logo.svg")
    );

    // The escaped shortcode shows what Zola showed; the draft is left out of the build.
    let intro = visible_text(&text(&tree, "docs/intro/index.html"));
    // (The shortcode left as text gets typographic quotes, like any text.)
    assert!(intro.contains("{{ youtube(id=“dQw4w9WgXcQ”) }}"), "{intro}");
    assert_eq!(intro.matches("{{ youtube(id=\"dQw4w9WgXcQ\") }}").count(), 1, "{intro}");
    assert!(!intro.contains("{{/*"), "{intro}");
    assert!(!tree.contains_key("docs/draft-notes/index.html"));
    let draft = std::fs::read_to_string(new.join("site/docs/draft-notes.md")).unwrap();
    assert!(
        draft.contains("draft = true") && draft.contains("title = \"Draft notes\""),
        "{draft}"
    );
    let post = std::fs::read_to_string(new.join("site/blog/2024-01-15-first-light.md")).unwrap();
    assert!(
        post.contains("date = \"2024-01-15\"") && post.contains("slug = \"first-light\""),
        "{post}"
    );
    let config = std::fs::read_to_string(new.join("quire.toml")).unwrap();
    assert_eq!(
        config,
        "title = \"Field Notes\"\ndescription = \"Notes from the field\"\nlanguage = \"en\"\nbase_url = \"https://example.com\"\n"
    );

    // The source is never written to.
    assert_eq!(
        snapshot(&site),
        before,
        "{:?}",
        snapshot_diff(&before, &snapshot(&site))
    );
}

#[test]
fn the_report_counts_and_names_each_construct_at_its_line() {
    let (site, new, report) = import("zola-report");
    let s = site.display().to_string();
    assert!(
        report.contains(&format!(
            "imported 11 pages from Zola into {}: 10 links and 0 includes rewritten, 0 titles from the navigation, 1 drafts, 3 files copied, 5 redirects",
            new.display()
        )),
        "{report}"
    );
    for expected in [
        "config.toml:6:1: warning: `compile_sass` is not carried over",
        "config.toml:10:1: warning: `taxonomies` is not carried over: Quire has no taxonomies",
        "config.toml:16:1: warning: `[markdown] highlight_theme` is not carried over: Quire highlights code at build time",
        "config.toml:19:2: warning: `[extra]` is not carried over",
        "content/_index.md:5:1: warning: `sort_by` is not carried over",
        "content/docs/_index.md:4:1: warning: `template` is not carried over",
        "content/docs/_index.md:5:1: warning: `insert_anchor_links` is not carried over",
        "content/docs/setup.md:7:1: warning: `updated` is not carried over",
        "content/docs/setup.md:9:2: warning: `[taxonomies]` is not carried over: Quire has no taxonomies",
        "content/docs/setup.md:12:2: warning: `[extra]` is not carried over",
        "content/about.md:3:1: warning: `path = \"about-us\"` is not carried over",
        "content/docs/old-section/_index.md:3:1: warning: `redirect_to` is not carried over",
        "content/docs/intro.md:15:1: warning: the shortcode `{{ youtube(id=\"dQw4w9WgXcQ\") }}` is not carried over",
        "content/docs/intro.md:23:1: warning: the block shortcode `{% note(kind=\"info\") %}`",
        "templates: warning: Zola's templates are not carried over",
        "sass: warning: Zola's Sass is not carried over",
        "static/.well-known: warning: this is not imported: Quire ignores files and folders whose names start with `.`",
    ] {
        assert!(
            report.contains(&format!("{s}/{expected}")),
            "no `{expected}` in\n{report}"
        );
    }
    assert!(
        report.contains("  hint: Quire has no shortcodes: replace it with Markdown or raw HTML, for this video: <iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""),
        "{report}"
    );
    // What Quire does anyway is not reported: `highlight_code = true`, `sort_by = "weight"`.
    assert!(!report.contains("highlight_code"), "{report}");
    assert!(
        !report.contains("content/docs/_index.md:3:"),
        "sort_by = \"weight\" is Quire's order:\n{report}"
    );
    // The shortcode shown in a code block is not reported.
    assert!(!report.contains("content/docs/intro.md:20:"), "{report}");
    // Every note of a file's content names its line and column.
    for line in report.lines().filter(|l| l.contains(": warning: ")) {
        let (place, _) = line.split_once(": warning: ").unwrap();
        if ["/templates", "/sass", "/.well-known"]
            .iter()
            .any(|f| place.ends_with(f))
        {
            continue;
        }
        let mut parts = place.rsplitn(3, ':');
        let (column, line_no) = (parts.next().unwrap(), parts.next().unwrap());
        assert!(
            column.parse::<usize>().is_ok_and(|c| c > 0) && line_no.parse::<usize>().is_ok_and(|l| l > 0),
            "no file:line:column in `{line}`"
        );
    }
    assert!(report.contains("24 constructs not carried over"), "{report}");
}

#[test]
fn importing_twice_gives_the_same_files() {
    let (_, first, _) = import("zola-twice-a");
    let (_, second, _) = import("zola-twice-b");
    let (a, b) = (read_tree(&first), read_tree(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(b[path] == *bytes, "{path} differs between two imports");
    }
}

#[test]
fn a_non_empty_destination_or_one_inside_the_source_is_refused() {
    let dir = temp_dir("zola-refused");
    let site = dir.join("zola");
    copy_dir(&repo().join(FIXTURE), &site);
    let taken = dir.join("taken");
    std::fs::create_dir_all(&taken).unwrap();
    std::fs::write(taken.join("notes.txt"), "mine").unwrap();
    let (site_before, taken_before) = (snapshot(&site), snapshot(&taken));
    let (code, stderr) = run_import(&site, &taken);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    assert_eq!(snapshot(&taken), taken_before, "the destination was changed");
    let (code, stderr) = run_import(&site, &site.join("quire"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("inside the source"), "{stderr}");
    assert_eq!(snapshot(&site), site_before, "the source was changed");
    let siblings: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(siblings.len(), 2, "nothing is left beside them: {siblings:?}");
}

#[test]
fn what_the_source_lacks_is_reported_and_the_import_still_builds() {
    let dir = temp_dir("zola-missing");
    let site = dir.join("tiny-site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("config.toml"), "base_url = \"https://example.com/notes/\"\n").unwrap();
    std::fs::write(
        site.join("content/page.md"),
        "+++\ntitle = \"Page\"\n+++\n\nSee [the other page](@/gone.md#top).\n",
    )
    .unwrap();
    std::fs::write(site.join("content/broken.md"), "+++\ntitle = \n+++\nStill here.\n").unwrap();
    let new = dir.join("new");
    let (code, report) = run_import(&site, &new);
    assert_eq!(code, Some(0), "{report}");
    for expected in [
        "content/broken.md:2:9: warning: the front matter cannot be read",
        "content/page.md:5:22: warning: the link `@/gone.md#top` points to a missing page: content/gone.md does not exist",
        "config.toml: warning: the site has no `title`, so the imported one is called `tiny-site`",
        "content: warning: the site has no content/_index.md, so the import wrote a home page",
    ] {
        assert!(report.contains(expected), "no `{expected}` in\n{report}");
    }
    let config = std::fs::read_to_string(new.join("quire.toml")).unwrap();
    assert!(config.starts_with("title = \"tiny-site\"\n"), "{config}");
    assert!(
        config.contains("internal = \"warn\""),
        "the broken link is listed by every build: {config}"
    );
    let home = std::fs::read_to_string(new.join("site/_index.md")).unwrap();
    assert!(home.starts_with("+++\ntitle = \"tiny-site\"\n+++\n"), "{home}");
    let page = std::fs::read_to_string(new.join("site/page.md")).unwrap();
    assert!(page.contains("(@/gone.md#top)"), "the link is left as written: {page}");
    let broken = std::fs::read_to_string(new.join("site/broken.md")).unwrap();
    assert_eq!(broken, "+++\n+++\nStill here.\n");
}
