//! Page bundles and `nav_title` (`tests/fixtures/bundles`): `dir/index.md` is the page at
//! `/dir/` with its files beside it, `README.md` is read the mdBook way, links into bundles
//! resolve, bundles sort where their folder does, and short navigation titles show in the
//! sidebar, breadcrumbs and previous/next but never replace the page's own title.

mod common;
use common::*;
use quire::render::{Templates, render_pages};
use quire::site::{Site, SiteOptions};
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn site() -> &'static BTreeMap<String, Vec<u8>> {
    static TREE: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    TREE.get_or_init(|| {
        let root = fixture("bundles");
        let out = root.join("out");
        build(&root, &out, &[]);
        read_tree(&out)
    })
}

fn page(path: &str) -> String {
    let bytes = site().get(path).unwrap_or_else(|| panic!("no {path} in output"));
    String::from_utf8(bytes.clone()).unwrap()
}

/// The part of a page between two markers (the first `from`, then the next `to`).
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from}")) + from.len();
    let end = html[start..].find(to).unwrap_or_else(|| panic!("no {to} after {from}"));
    &html[start..start + end]
}

/// The sidebar's entries as (link text, url).
fn sidebar(html: &str) -> Vec<(String, String)> {
    let nav = between(html, "id=\"sidebar\"", "</nav>");
    nav.split("<a href=\"")
        .skip(1)
        .map(|a| {
            let (url, rest) = a.split_once('"').unwrap();
            let text = between(rest, ">", "</a>");
            (visible_text(text), url.to_string())
        })
        .collect()
}

#[test]
fn a_bundle_is_its_folders_page_with_its_files_beside_it() {
    let tree = site();
    for path in [
        "tour/index.html",
        "tour/screenshot.png",
        "tour/img/diagram.svg",
        "guide/pictures/index.html",
        "guide/pictures/shot.png",
        "guide/zz-first/index.html",
    ] {
        assert!(tree.contains_key(path), "{path} missing: {:?}", tree.keys());
    }
    assert!(
        !tree
            .keys()
            .any(|p| (p.contains("/index/") && !p.starts_with("glossary/")) || p.contains("readme")),
        "index.md and README.md never get a URL of their own: {:?}",
        tree.keys()
    );
    let tour = page("tour/index.html");
    assert!(tour.contains("<img src=\"/docs/tour/screenshot.png\""), "{tour}");
    assert!(
        tour.contains("<img src=\"/docs/tour/img/diagram.svg\""),
        "raw HTML in a bundle"
    );
    // A slug on a bundle moves its files with it.
    assert!(page("guide/pictures/index.html").contains("src=\"/docs/guide/pictures/shot.png\""));
    // A bundle is a page, not a section: no list of children, not marked as a section.
    assert!(!tour.contains("class=\"children\""));
    let entry = sidebar(&tour);
    assert!(entry.contains(&("A tour in pictures".into(), "/docs/tour/".into())));
    assert!(tour.contains("class=\"depth-1\"><a href=\"/docs/tour/\""), "{tour}");
}

#[test]
fn every_internal_link_into_bundles_resolves() {
    let broken = broken_links(site(), "/docs/", "https://example.com");
    assert!(broken.is_empty(), "broken:\n{}", broken.join("\n"));
    let home = page("index.html");
    let content = between(&home, "<main", "</main>");
    let hrefs = attr_values(content, "href");
    for want in ["/docs/tour/", "/docs/tour/#what-you-see", "/docs/book/"] {
        assert!(hrefs.iter().any(|h| h == want), "{want} not in {hrefs:?}");
    }
    let setup = attr_values(&page("guide/setup/index.html"), "href");
    assert!(setup.contains(&"/docs/guide/pictures/".to_string()), "{setup:?}");
    assert!(
        setup.contains(&"/docs/guide/pictures/shot.png".to_string()),
        "{setup:?}"
    );
}

#[test]
fn readme_beside_other_pages_is_the_folders_section_index() {
    let book = page("book/index.html");
    assert!(
        book.contains("<h1 id=\"the-book\">The book</h1>"),
        "its # heading is its title, with its id"
    );
    assert!(book.contains("class=\"children\""), "a section lists its chapters");
    let chapter = page("book/chapter/index.html");
    let crumbs = between(&chapter, "aria-label=\"Breadcrumb\"", "</nav>");
    assert!(crumbs.contains("<a href=\"/docs/book/\">The book</a>"), "{crumbs}");
    let hrefs = attr_values(&chapter, "href");
    assert!(
        hrefs.iter().filter(|h| *h == "/docs/book/").count() >= 3,
        "README.md and ./ both lead to the book: {hrefs:?}"
    );
}

#[test]
fn bundles_sort_where_their_folder_does() {
    let items = sidebar(&page("guide/setup/index.html"));
    let titles: Vec<&str> = items.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Home",
            "Intro",
            "A tour in pictures",
            "Guide",
            "First by weight",
            "Setup",
            "Shots",
            "After",
            "Glossary",
            "The book"
        ]
    );
    // The reading order follows: walk the `next` links from the home page.
    let mut url = "/docs/".to_string();
    let mut order = vec![url.clone()];
    loop {
        let file = url_to_file(&url, "/docs/").unwrap();
        let html = page(&file);
        let Some(next) = html.split("<link rel=\"next\" href=\"").nth(1) else {
            break;
        };
        url = next[..next.find('"').unwrap()].to_string();
        order.push(url.clone());
    }
    assert_eq!(
        order,
        [
            "/docs/",
            "/docs/intro/",
            "/docs/tour/",
            "/docs/guide/",
            "/docs/guide/zz-first/",
            "/docs/guide/setup/",
            "/docs/guide/pictures/",
            "/docs/guide/after/",
            "/docs/glossary/",
            "/docs/glossary/index/",
            "/docs/book/",
            "/docs/book/chapter/"
        ]
    );
}

#[test]
fn nav_title_is_used_in_navigation_but_not_as_the_pages_title() {
    let long = "What does a very long question title look like in the sidebar of a site?";
    let intro = page("intro/index.html");
    assert!(intro.contains(&format!("<h1>{long}</h1>")), "the heading keeps `title`");
    assert!(intro.contains(&format!("<title>{long} · ")), "so does <title>");
    let crumbs = between(&intro, "aria-label=\"Breadcrumb\"", "</nav>");
    assert!(crumbs.contains("aria-current=\"page\">Intro</a>"), "{crumbs}");
    assert!(sidebar(&intro).contains(&("Intro".into(), "/docs/intro/".into())));
    assert!(!between(&intro, "id=\"sidebar\"", "</nav>").contains(long));
    // Previous/next from the neighbours.
    // The home page shows no Next card (it would repeat its first card), only the link.
    let home = page("index.html");
    assert!(home.contains("rel=\"next\" href=\"/docs/intro/\""), "next on home");
    let tour = page("tour/index.html");
    assert!(
        tour.contains("<span class=\"pager-title\">Intro</span>"),
        "prev on the tour"
    );
    // A section's nav_title shows in the breadcrumbs of its pages; its own page keeps the title.
    let setup = page("guide/setup/index.html");
    let crumbs = between(&setup, "aria-label=\"Breadcrumb\"", "</nav>");
    assert!(crumbs.contains(">Guide</a>"), "{crumbs}");
    assert!(page("guide/index.html").contains("<h1>The guide to everything there is to set up</h1>"));
}

#[test]
fn a_body_edit_to_a_bundle_is_incremental_and_matches_a_full_rebuild() {
    let root = fixture("bundles");
    let mut site = Site::load(&root, &SiteOptions::default()).unwrap();
    let templates = Templates::new(&site).unwrap();
    for file in ["site/02-tour/index.md", "site/book/README.md"] {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap() + "\nOne more line.\n";
        std::fs::write(&path, text).unwrap();
        let pages = site
            .update_pages(std::slice::from_ref(&path))
            .unwrap()
            .expect("a body edit is incremental");
        assert_eq!(pages.len(), 1, "{file}: only the edited page");
        let rendered = render_pages(&site, &templates, &pages).unwrap();
        let fresh = quire::build::render_output(&Site::load(&root, &SiteOptions::default()).unwrap()).unwrap();
        for (path, bytes) in rendered {
            assert!(String::from_utf8_lossy(&bytes).contains("One more line."));
            assert_eq!(
                fresh.read(&path).unwrap().unwrap(),
                bytes,
                "{path} differs from a full rebuild"
            );
        }
    }
}

#[test]
fn in_the_glossary_index_md_is_a_term() {
    let term = page("glossary/index/index.html");
    assert!(term.contains("<dfn>Index</dfn>"), "{term}");
    assert!(page("glossary/index.html").contains("href=\"/docs/glossary/index/\""));
}

#[test]
fn index_md_at_the_root_is_the_home_page() {
    let root = temp_dir("bundle-root");
    std::fs::create_dir_all(root.join("site/shot")).unwrap();
    std::fs::write(root.join("quire.toml"), "title = \"T\"\n").unwrap();
    std::fs::write(root.join("site/README.md"), "# Welcome\n\nSee [the shot](shot/).\n").unwrap();
    std::fs::write(root.join("site/shot/index.md"), "# Shot\n\n![s](s.png)\n").unwrap();
    std::fs::write(root.join("site/shot/s.png"), "png").unwrap();
    let out = root.join("public");
    build(&root, &out, &[]);
    let tree = read_tree(&out);
    let home = String::from_utf8(tree["index.html"].clone()).unwrap();
    assert!(home.contains("href=\"/shot/\""), "{home}");
    assert!(tree.contains_key("shot/index.html") && tree.contains_key("shot/s.png"));
    assert!(broken_links(&tree, "/", "").is_empty());
}
