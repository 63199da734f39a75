//! Redirects: every old path of `tests/fixtures/redirects` is answered by a page that leads
//! to the right place, and redirect pages are listed nowhere else.

mod common;
use common::*;

#[test]
fn every_old_path_leads_to_its_page() {
    let root = fixture("redirects");
    let out = root.join("out");
    build(&root, &out, &[]);
    let tree = read_tree(&out);
    for (old, to) in [
        ("/intro.html", "/docs/"),
        ("/ch01-setup.html", "/docs/guide/setup/"),
        ("/guide/old-setup/", "/docs/guide/setup/"),
        ("/a b.html", "/docs/guide/setup/"),
        ("/install.html", "/docs/guide/setup/#install"),
        ("/old/forum/", "https://forum.example.com/"),
        ("/start/", "/docs/guide/"),
    ] {
        assert_eq!(redirect_target(&tree, "/docs/", old).as_deref(), Some(to), "{old}");
    }
    let page = String::from_utf8_lossy(&tree["ch01-setup.html"]).into_owned();
    assert!(
        page.contains(r#"<link rel="canonical" href="https://example.com/docs/guide/setup/">"#),
        "{page}"
    );
    assert!(page.contains(r#"<meta name="robots" content="noindex">"#), "{page}");
    assert!(
        page.contains("Setting up &amp; running"),
        "the link names the page: {page}"
    );
    assert_eq!(
        broken_links(&tree, "/docs/", "https://example.com"),
        Vec::<String>::new()
    );
    // Listed nowhere: not in the sitemap, the search records or the navigation.
    let sitemap = String::from_utf8_lossy(&tree["sitemap.xml"]).into_owned();
    assert_eq!(sitemap.matches("<loc>").count(), 3, "{sitemap}");
    for (path, bytes) in tree
        .iter()
        .filter(|(p, _)| p.ends_with("index.html") && !p.contains("old"))
    {
        let html = String::from_utf8_lossy(bytes);
        assert!(!html.contains("ch01-setup.html"), "{path} links an old path");
    }
}

#[test]
fn the_dev_server_answers_old_paths_too() {
    // The server serves the same in-memory output: an old path's page is there as built.
    let root = fixture("redirects");
    let site = quire::site::Site::load(&root, &Default::default()).expect("load");
    let output = quire::build::render_output(&site).expect("render");
    let bytes = output
        .read("guide/old-setup/index.html")
        .expect("redirect page")
        .expect("in memory");
    let html = String::from_utf8_lossy(&bytes).into_owned();
    assert!(html.contains("url=/docs/guide/setup/"), "{html}");
}
