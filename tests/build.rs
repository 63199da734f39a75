//! Whole builds of the fixture site: links, order, TOC, ids, base path, determinism, output hygiene.

mod common;
use common::*;

fn page(tree: &std::collections::BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(tree.get(path).unwrap_or_else(|| panic!("no {path} in output")).clone()).unwrap()
}

#[test]
fn every_internal_link_and_anchor_resolves_under_a_subpath_and_at_the_root() {
    for (base, origin, path) in [
        (
            "https://example.github.io/quire/",
            "https://example.github.io",
            "/quire/",
        ),
        ("https://docs.example.com/", "https://docs.example.com", "/"),
    ] {
        let root = fixture("basic");
        let out = root.join("out");
        build(&root, &out, &["--base-url", base]);
        let tree = read_tree(&out);
        let broken = broken_links(&tree, path, origin);
        assert!(
            broken.is_empty(),
            "broken links with base {base}:\n{}",
            broken.join("\n")
        );
        let intro = page(&tree, "intro/index.html");
        assert!(
            intro.contains(&format!("href=\"{path}guide/setup/#install\"")),
            "links carry the base path"
        );
        assert!(intro.contains(&format!("<link rel=\"canonical\" href=\"{base}intro/\">")));
        for href in attr_values(&intro, "href") {
            assert!(
                href.starts_with(path) || href.starts_with('#') || href.starts_with("https://"),
                "{href} ignores the base path {path}"
            );
        }
    }
}

#[test]
fn order_prev_next_and_sidebar_follow_weight_prefix_title() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    let tree = read_tree(&out);
    let home = page(&tree, "index.html");
    let sidebar = &home[home.find("id=\"sidebar\"").unwrap()..home.find("</nav>").unwrap()];
    let titles: Vec<&str> = [
        "Welcome",
        "Guide",
        "Alpha by prefix",
        "Glossary",
        "Introduction",
        "Zeta from heading",
    ]
    .into_iter()
    .collect();
    let positions: Vec<usize> = titles
        .iter()
        .map(|t| sidebar.find(&format!(">{t}<")).unwrap_or(usize::MAX))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "sidebar order {titles:?}: {positions:?}\n{sidebar}"
    );
    // Sections are collapsed unless current: the guide's page is not listed on the home page.
    assert!(!sidebar.contains(">Setup<"));
    let setup = page(&tree, "guide/setup/index.html");
    assert!(setup.contains("<a href=\"/docs/guide/setup/\" aria-current=\"page\">Setup</a>"));
    // Reading order: home → guide → setup → alpha → glossary → … ; prev/next agree both ways.
    assert!(home.contains("<link rel=\"next\" href=\"/docs/guide/\">"));
    let guide = page(&tree, "guide/index.html");
    assert!(guide.contains("<link rel=\"prev\" href=\"/docs/\">"));
    assert!(guide.contains("<link rel=\"next\" href=\"/docs/guide/setup/\">"));
    assert!(setup.contains("<link rel=\"next\" href=\"/docs/alpha/\">"));
    // Breadcrumbs: Welcome › Guide › Setup.
    let crumbs = &setup[setup.find("class=\"breadcrumbs\"").unwrap()..];
    let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
    assert!(crumbs.find(">Welcome<").unwrap() < crumbs.find(">Guide<").unwrap());
    assert!(crumbs.find(">Guide<").unwrap() < crumbs.find(">Setup<").unwrap());
}

#[test]
fn headings_have_ids_permalinks_and_a_toc() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    let intro = page(&read_tree(&out), "intro/index.html");
    assert!(intro.contains("<h2 id=\"getting-started\">"));
    assert!(
        intro.contains("<h2 id=\"getting-started-1\">"),
        "duplicate heading text gets a unique id"
    );
    assert!(intro.contains("<h3 id=\"custom-id\">"), "explicit {{#id}} wins");
    assert!(intro.contains("<a class=\"anchor\" href=\"#getting-started\""));
    let toc = &intro[intro.find("class=\"toc\"").unwrap()..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert!(toc.contains("href=\"#getting-started\"") && toc.contains("href=\"#custom-id\""));
    // Extensions: tables, footnotes, strikethrough, task lists, definition lists.
    for needle in [
        "<table>",
        "<section class=\"footnotes\"",
        "<del>strike</del>",
        "type=\"checkbox\"",
        "<dl>",
    ] {
        assert!(intro.contains(needle), "{needle}");
    }
}

#[test]
fn title_falls_back_to_the_first_heading() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    let zeta = page(&read_tree(&out), "zeta/index.html");
    // The heading keeps the id it would have had, so links to it still land.
    assert!(
        zeta.contains("<h1 id=\"zeta-from-heading\">Zeta from heading</h1>"),
        "{zeta}"
    );
    assert_eq!(
        zeta.matches("Zeta from heading</h1>").count(),
        1,
        "the heading used as title is not repeated"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let root = fixture("basic");
    let (a, b) = (root.join("a"), root.join("b"));
    build(&root, &a, &[]);
    build(&root, &b, &[]);
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between two builds");
    }
}

#[test]
fn drafts_only_with_the_flag() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    assert!(!out.join("guide/draft/index.html").exists());
    build(&root, &out, &["--drafts"]);
    assert!(out.join("guide/draft/index.html").exists());
}

#[test]
fn unchanged_files_are_not_rewritten_and_removed_pages_disappear() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    std::fs::write(out.join("mine.txt"), "not Quire's").unwrap();
    let second = build(&root, &out, &[]);
    assert!(second.contains("(0 written"), "{second}");
    std::fs::remove_file(root.join("site/zeta.md")).unwrap();
    let third = build(&root, &out, &[]);
    assert!(!third.contains(" 0 removed"), "{third}");
    assert!(!out.join("zeta").exists());
    assert!(
        out.join("mine.txt").exists(),
        "files Quire did not write are never deleted"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_in_place() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    let before = read_tree(&out);
    std::fs::write(root.join("site/zeta.md"), "# Zeta\n\n[broken](nowhere.md)\n").unwrap();
    let result = quire(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("site/zeta.md:3:1: error:"), "{stderr}");
    assert_eq!(read_tree(&out), before, "nothing was written");
}

#[test]
fn static_files_theme_assets_and_colocated_files_are_copied() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    let tree = read_tree(&out);
    assert_eq!(tree["robots-extra.txt"], b"robots-file\n");
    assert!(tree.contains_key("guide/logo.svg"));
    let css: Vec<&String> = tree
        .keys()
        .filter(|k| k.starts_with("assets/style.") && k.ends_with(".css"))
        .collect();
    assert_eq!(css.len(), 1, "one hashed stylesheet: {css:?}");
    assert!(page(&tree, "index.html").contains(&format!("/docs/{}", css[0])));
    assert!(tree.contains_key("404.html"));
}

#[test]
fn glossary_terms_link_preview_and_backlinks() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    let tree = read_tree(&out);
    let intro = page(&tree, "intro/index.html");
    assert!(intro.contains(
        "<a class=\"term\" href=\"/docs/glossary/compute/\" aria-describedby=\"term-compute\">Computing power</a>"
    ));
    assert_eq!(
        intro.matches("href=\"/docs/glossary/compute/\"").count(),
        1,
        "only the first use is linked"
    );
    assert!(intro.contains("role=\"tooltip\" id=\"term-compute\""));
    let cpo = page(&tree, "glossary/cpo/index.html");
    assert!(cpo.contains("<dfn>CPO</dfn>"));
    let backlinks = &cpo[cpo.find("class=\"backlinks\"").unwrap()..];
    assert!(backlinks.contains("href=\"/docs/alpha/\""), "{backlinks}");
    let compute = page(&tree, "glossary/compute/index.html");
    let backlinks = &compute[compute.find("class=\"backlinks\"").unwrap()..];
    for p in ["/docs/", "/docs/intro/", "/docs/glossary/cpo/"] {
        assert!(
            backlinks.contains(&format!("href=\"{p}\"")),
            "compute backlink from {p}"
        );
    }
    assert!(
        backlinks.contains("Computing power matters; compute again."),
        "{backlinks}"
    );
    let index = page(&tree, "glossary/index.html");
    assert!(index.contains("class=\"az\""));
    assert!(index.find(">Compute<").unwrap() < index.find(">CPO<").unwrap());
}

#[test]
fn check_validates_without_writing() {
    let root = fixture("basic");
    let stdout = quire_ok(&["check", "--root", root.to_str().unwrap()]);
    assert!(stdout.starts_with("checked 9 pages"), "{stdout}");
    assert!(!root.join("public").exists());
}

#[test]
fn glossary_link_policy_first_per_section_links_once_per_section_in_reading_order() {
    let root = fixture("basic");
    let config = std::fs::read_to_string(root.join("quire.toml")).unwrap();
    std::fs::write(
        root.join("quire.toml"),
        format!("{config}\n[glossary]\nlink = \"first-per-section\"\n"),
    )
    .unwrap();
    let out = root.join("out");
    build(&root, &out, &[]);
    let tree = read_tree(&out);
    let compute_links = |path: &str| page(&tree, path).matches("href=\"/docs/glossary/compute/\"").count();
    // Reading order of the root section: home, then alpha, then intro; home mentions computing power first.
    assert_eq!(compute_links("index.html"), 1, "home links it");
    assert_eq!(
        compute_links("intro/index.html"),
        0,
        "later pages of the same section do not"
    );
    // The backlinks still list every page that uses the term.
    let term = page(&tree, "glossary/compute/index.html");
    let backlinks = &term[term.find("class=\"backlinks\"").unwrap()..];
    assert!(backlinks.contains("href=\"/docs/intro/\""));
}

#[test]
fn a_long_section_shows_a_window_of_its_pages_in_the_sidebar() {
    let root = temp_dir("long-section");
    std::fs::create_dir_all(root.join("site/many")).unwrap();
    std::fs::write(root.join("quire.toml"), "title = \"Long\"\n[search]\nenabled = false\n").unwrap();
    std::fs::write(root.join("site/_index.md"), "Home.\n").unwrap();
    std::fs::write(root.join("site/many/_index.md"), "---\ntitle: Many\n---\n").unwrap();
    for i in 0..120 {
        std::fs::write(
            root.join(format!("site/many/{i:03}-p{i}.md")),
            format!("---\ntitle: Page {i}\n---\nText.\n"),
        )
        .unwrap();
    }
    let out = root.join("out");
    build(&root, &out, &[]);
    let tree = read_tree(&out);
    let sidebar = |path: &str| {
        let html = page(&tree, path);
        let start = html.find("id=\"sidebar\"").unwrap();
        html[start..start + html[start..].find("</nav>").unwrap()].to_string()
    };
    let first = sidebar("many/p0/index.html");
    assert_eq!(first.matches("href=\"/many/p").count(), 50, "50 pages of 120");
    assert!(first.contains(">Page 49<") && !first.contains(">Page 50<"));
    assert!(first.contains("All 120 pages"));
    let last = sidebar("many/p119/index.html");
    assert!(last.contains("<a href=\"/many/p119/\" aria-current=\"page\">Page 119</a>"));
    assert!(!last.contains(">Page 0<"));
}
