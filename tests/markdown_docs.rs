//! Whole builds of documentation laid out like an mdBook book (tests/fixtures/includes):
//! includes, raw HTML anchors and links, GitHub heading ids, link levels, and `[[…]]` on a
//! site without a glossary.

mod common;
use common::*;
use std::path::Path;

/// The `<div class="content">` of a built page.
fn body(out: &Path, page: &str) -> String {
    let html = std::fs::read_to_string(out.join(page).join("index.html")).unwrap();
    let start = html.find("<div class=\"content\">").expect("page content");
    let end = html[start..].find("</article>").map_or(html.len(), |e| start + e);
    html[start..end].to_string()
}

fn build_fixture(name: &str, extra: &[&str]) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let root = fixture("includes");
    let out = temp_dir(name);
    let stdout = build(&root, &out, extra);
    (root, out, stdout)
}

/// Runs quire and returns (success, stdout, stderr).
fn run(args: &[&str]) -> (bool, String, String) {
    let o = quire(args);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn includes_are_expanded_with_ranges_anchors_and_nesting() {
    let (_, out, _) = build_fixture("inc", &[]);
    let html = body(&out, "includes");
    assert!(
        !html.contains("{{#include ../listings/ch01/main.rs:"),
        "every include expanded:\n{html}"
    );
    assert!(!html.contains("ANCHOR"), "anchor lines are removed:\n{html}");
    // Whole file, then the range 12:14, then 12: and :1, then the `main` anchor.
    // The code as text, highlighting spans removed: the include's bytes are what counts.
    let blocks: Vec<String> = html
        .split("<code class=\"language-rust\">")
        .skip(1)
        .map(|b| visible_text(b.split("</code>").next().unwrap_or_default()) + "</code>")
        .collect();
    assert_eq!(blocks.len(), 4, "{html}");
    assert!(
        blocks[0].starts_with("use std::io;\n\nfn main() {\n    println!"),
        "{}",
        blocks[0]
    );
    assert!(blocks[0].contains("fn helper()"));
    assert!(
        blocks[1].starts_with("fn helper() -> u32 {\n    42\n}\n</code>"),
        "{}",
        blocks[1]
    );
    assert!(
        blocks[2].starts_with("fn helper() -> u32 {\n    42\n}\nuse std::io;\n</code>"),
        "{}",
        blocks[2]
    );
    assert!(
        blocks[3].starts_with("fn main() {\n    println!(\"Hello, includes!\");\n    let _ = io::stdin();\n}\n</code>"),
        "{}",
        blocks[3]
    );
    assert!(
        html.contains("The snippet, two includes deep."),
        "nested include in included Markdown"
    );
    assert!(
        html.contains("<code>{{#include ../listings/ch01/main.rs}}</code>"),
        "an escaped include is shown as written, without its backslash"
    );
    // Included files are not pages and, outside site/, not copied either.
    let tree = read_tree(&out);
    assert!(
        !tree.keys().any(|k| k.contains("listings") || k.ends_with(".rs")),
        "{:?}",
        tree.keys()
    );
}

#[test]
fn every_internal_href_src_and_fragment_resolves() {
    let (_, out, _) = build_fixture("resolves", &[]);
    let tree = read_tree(&out);
    assert_eq!(
        broken_links(&tree, "/docs/", "https://example.com"),
        Vec::<String>::new()
    );
}

#[test]
fn raw_html_anchors_count_and_its_urls_are_rewritten() {
    let (_, out, _) = build_fixture("raw", &[]);
    let html = body(&out, "raw-html");
    // Written as `diagram.svg` on a page served at /docs/raw-html/: left alone it would break.
    assert_eq!(
        attr_values(&html, "src"),
        ["/docs/diagram.svg", "/docs/diagram.svg"],
        "{html}"
    );
    assert_eq!(
        attr_values(&html, "srcset"),
        ["/docs/diagram.svg 1x, /docs/diagram.svg 2x"]
    );
    let hrefs = attr_values(&html, "href");
    assert!(hrefs.contains(&"/docs/ids/#rusts-boxt-type".to_string()), "{hrefs:?}");
    assert!(hrefs.contains(&"#old-style".to_string()));
    assert!(hrefs.contains(&"https://example.org/elsewhere".to_string()));
    // `01-includes.md#legacy-anchor` names an `<a id>` written in raw HTML: the build passed.
    assert!(body(&out, "includes").contains("href=\"/docs/raw-html/#legacy-anchor\""));
}

#[test]
fn heading_ids_follow_github_and_avoid_the_themes() {
    let (root, out, _) = build_fixture("ids", &[]);
    let html = body(&out, "ids");
    let ids = attr_values(&html, "id");
    assert_eq!(
        ids,
        [
            "content-1",
            "rusts-boxt-type",
            "a----b",
            "snake_case-and-ünïcode-算力",
            "content-2"
        ]
    );
    let page = std::fs::read_to_string(out.join("ids/index.html")).unwrap();
    assert_eq!(
        attr_values(&page, "id").iter().filter(|i| *i == "content").count(),
        1,
        "`content` stays the theme's <main>"
    );

    // `heading_ids = "quire"` keeps the old ids (and the fixture's GitHub links then break).
    let config = root.join("quire.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[markdown]\nheading_ids = \"quire\"\n");
    std::fs::write(&config, text).unwrap();
    let (ok, _, stderr) = run(&["check", "--root", root.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("site/03-ids.md:13:82: error: the anchor `#a----b` does not exist")
            && stderr.contains("a-b, content-1"),
        "{stderr}"
    );
}

#[test]
fn wiki_brackets_stay_text_without_a_glossary() {
    let (_, out, _) = build_fixture("wiki", &[]);
    assert!(body(&out, "ids").contains("stay text: [[not a term]].</p>"));
}

#[test]
fn unknown_terms_with_a_glossary_say_how_to_escape() {
    let root = fixture("basic");
    std::fs::write(
        root.join("site/zeta.md"),
        "---\ntitle: Zeta\n---\nSee [[no such term]].\n",
    )
    .unwrap();
    let (ok, _, stderr) = run(&["check", "--root", root.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("site/zeta.md:4:5: error: `[[no such term]]` names a glossary term"),
        "{stderr}"
    );
    assert!(
        stderr.contains(r"write `\[\[…]]` to show the brackets as text"),
        "{stderr}"
    );
}

/// The fixture with a broken link and an anchor that climbs above site/, on page 03.
fn with_broken_links() -> std::path::PathBuf {
    let root = fixture("includes");
    let page = root.join("site/03-ids.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\nSee [the std docs](../std/index.html) and [gone](gone.md#x).\n");
    std::fs::write(&page, text).unwrap();
    root
}

#[test]
fn link_level_error_stops_the_build_warn_lists_and_counts() {
    let root = with_broken_links();
    let r = root.to_str().unwrap();
    let (ok, _, stderr) = run(&["check", "--root", r]);
    assert!(!ok, "errors by default");
    assert!(
        stderr.contains("site/03-ids.md:18:5: error: the link `../std/index.html` points outside the content folder: it climbs above site/"),
        "{stderr}"
    );
    assert!(
        stderr.contains("write an absolute URL (https://example.com/std/index.html)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("site/03-ids.md:18:43: error: the link `gone.md#x`"),
        "{stderr}"
    );

    let out = temp_dir("warn-out");
    let (ok, stdout, stderr) = run(&[
        "build",
        "--root",
        r,
        "--output",
        out.to_str().unwrap(),
        "--links",
        "warn",
    ]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("site/03-ids.md:18:5: warning: the link `../std/index.html`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("site/03-ids.md:18:43: warning: the link `gone.md#x`"),
        "{stderr}"
    );
    assert!(stdout.contains("(2 warnings)"), "{stdout}");
    assert!(out.join("ids/index.html").is_file());

    // The same from quire.toml; --links error overrides it; --strict makes warnings fatal.
    let config = root.join("quire.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[links]\ninternal = \"warn\"\n");
    std::fs::write(&config, text).unwrap();
    let (ok, stdout, _) = run(&["check", "--root", r]);
    assert!(ok && stdout.contains("(2 warnings)"), "{stdout}");
    assert!(!run(&["check", "--root", r, "--links", "error"]).0);
    assert!(!run(&["check", "--root", r, "--strict"]).0);
}

#[test]
fn errors_after_an_include_keep_their_line() {
    let root = fixture("includes");
    let page = root.join("site/01-includes.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let line = text.lines().count() + 2;
    std::fs::write(&page, format!("{text}\n  [bad](missing.md)\n")).unwrap();
    let (ok, _, stderr) = run(&["check", "--root", root.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("site/01-includes.md:{line}:3: error: the link `missing.md`")),
        "line {line} expected:\n{stderr}"
    );
}

/// `GET path` from the dev server, the body as text.
fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    s.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let _ = write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// A `quire serve` killed when dropped.
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_rebuilds_pages_when_an_included_file_changes() {
    use std::io::BufRead;
    let root = fixture("includes");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["serve", "--port", "0", "--root", root.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = Serving(child);
    let url = line.trim().strip_prefix("http://127.0.0.1:").expect("the URL first");
    let (port, base) = url.split_once('/').unwrap();
    let port: u16 = port.parse().unwrap();
    let page = format!("/{base}includes/");
    assert!(http_get(port, &page).contains("Hello, includes!"));
    let waits = |needle: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while std::time::Instant::now() < deadline {
            if http_get(port, &page).contains(needle) {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        false
    };
    // Outside site/: listings/ beside it, and two includes deep.
    let listing = root.join("listings/ch01/main.rs");
    let code = std::fs::read_to_string(&listing).unwrap();
    std::fs::write(&listing, code.replace("Hello, includes!", "Hello, edited!")).unwrap();
    assert!(waits("Hello, edited!"), "the page including main.rs was rebuilt");
    std::fs::write(root.join("listings/snippet.txt"), "The snippet, edited.\n").unwrap();
    assert!(waits("The snippet, edited."), "a nested include was watched too");
}
