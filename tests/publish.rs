//! What a published site needs: every URL of the built essay site answers when it is served
//! under a project subpath and at a domain root (crawled over HTTP on 127.0.0.1), the 404 page
//! works from any missing URL, the sitemap lists exactly the pages, the feed is Atom.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

/// A static file server for `dir` under `base` on 127.0.0.1, like GitHub Pages: directory
/// URLs serve index.html, misses get 404.html with status 404. Stops when dropped.
struct Pages {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Pages {
    fn serve(dir: PathBuf, base: &'static str) -> Pages {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" {
                        break;
                    }
                }
                let path = line
                    .split(' ')
                    .nth(1)
                    .unwrap_or("/")
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("/")
                    .to_string();
                let file = path.strip_prefix(base).and_then(|rel| {
                    let rel = quire::markdown::links::percent_decode(rel);
                    let rel = if rel.is_empty() || rel.ends_with('/') {
                        format!("{rel}index.html")
                    } else {
                        rel
                    };
                    (!rel.contains("..")).then(|| dir.join(rel)).filter(|p| p.is_file())
                });
                let (status, body) = match file {
                    Some(f) => ("200 OK", std::fs::read(f).unwrap()),
                    None => ("404 Not Found", std::fs::read(dir.join("404.html")).unwrap_or_default()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        Pages { port, stop }
    }

    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let status = String::from_utf8_lossy(&raw[9..12]).parse().unwrap();
        (status, raw[split + 4..].to_vec())
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// URLs a page refers to: href, src, and the search bundle's files named in its entry.
fn references(body: &[u8]) -> Vec<String> {
    let html = String::from_utf8_lossy(body);
    attr_values(&html, "href")
        .into_iter()
        .chain(attr_values(&html, "src"))
        .collect()
}

/// Crawls from the home page; returns every local URL fetched with its status.
fn crawl(server: &Pages, origin: &str, base: &str) -> BTreeMap<String, u16> {
    let mut seen: BTreeMap<String, u16> = BTreeMap::new();
    let mut queue: VecDeque<String> = VecDeque::from([base.to_string()]);
    while let Some(url) = queue.pop_front() {
        if seen.contains_key(&url) || seen.len() > 2000 {
            continue;
        }
        let (status, body) = server.get(&url);
        seen.insert(url.clone(), status);
        if !url.ends_with('/') && !url.ends_with(".html") {
            continue;
        }
        for r in references(&body) {
            let local = match r.strip_prefix(origin).filter(|_| !origin.is_empty()) {
                Some(rest) => rest.to_string(),
                None if r.starts_with('/') => r.clone(),
                None => continue, // external, or a #fragment on this page
            };
            let local = local.split('#').next().unwrap_or("").to_string();
            if !local.is_empty() {
                queue.push_back(local);
            }
        }
    }
    seen
}

fn check_site(base_url: &str, origin: &str, base: &'static str) {
    let out = temp_dir("publish");
    build(&repo(), &out, &["--base-url", base_url]);
    let server = Pages::serve(out.clone(), base);
    let seen = crawl(&server, origin, base);
    let broken: Vec<_> = seen.iter().filter(|(_, s)| **s != 200).collect();
    assert!(broken.is_empty(), "under {base}: {broken:?}");
    assert!(seen.len() >= 30, "crawled only {} URLs", seen.len());
    // Every file of the search bundle the loader can ask for answers too.
    let tree = read_tree(&out);
    for path in tree.keys().filter(|k| k.starts_with("pagefind/")) {
        assert_eq!(server.get(&format!("{base}{path}")).0, 200, "{path}");
    }
    check_search_bundle(&server, origin, base);
    // The crawl reached every page the build wrote: none is orphaned.
    for page in tree.keys().filter(|k| k.ends_with("index.html")) {
        let url = format!("{base}{}", page.trim_end_matches("index.html"));
        assert!(seen.contains_key(&url), "{url} is linked from no page");
    }
    // A deliberate miss gets the 404 page, whose own links and assets all work.
    let (status, body) = server.get(&format!("{base}no/such/page/"));
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("Page not found"));
    for r in references(&body) {
        let local = r
            .strip_prefix(origin)
            .filter(|_| !origin.is_empty())
            .map(str::to_string)
            .unwrap_or(r.clone());
        if local.starts_with('/') {
            assert_eq!(server.get(local.split('#').next().unwrap()).0, 200, "404 page link {r}");
        }
    }
}

/// Follows the search box's own way to the index: the page's search script, the loader beside
/// it (`../pagefind/pagefind.js`), the entry file, then the meta index and the WebAssembly
/// the entry names for the page's language.
fn check_search_bundle(server: &Pages, origin: &str, base: &str) {
    let (_, home) = server.get(base);
    let home = String::from_utf8_lossy(&home).into_owned();
    let script = attr_values(&home, "src")
        .into_iter()
        .find(|s| s.contains("/assets/search."))
        .expect("the home page loads the search script");
    let script = script
        .strip_prefix(origin)
        .filter(|_| !origin.is_empty())
        .unwrap_or(&script);
    assert!(script.starts_with(&format!("{base}assets/")), "{script}");
    let bundle = format!("{}pagefind/", script.rsplit_once("assets/").unwrap().0);
    let get = |name: &str| {
        let (status, body) = server.get(&format!("{bundle}{name}"));
        assert_eq!(status, 200, "{bundle}{name}");
        body
    };
    assert!(!get("pagefind.js").is_empty());
    get("pagefind-worker.js");
    let entry: serde_json::Value = serde_json::from_slice(&get("pagefind-entry.json")).unwrap();
    let languages = entry["languages"].as_object().expect("languages in the entry");
    assert!(!languages.is_empty());
    for (language, index) in languages {
        get(&format!("pagefind.{}.pf_meta", index["hash"].as_str().unwrap()));
        let wasm = index["wasm"].as_str().unwrap_or("unknown");
        get(&format!("wasm.{wasm}.pagefind"));
        assert!(index["page_count"].as_u64().unwrap() >= 26, "{language}: {index}");
    }
}

#[test]
fn essay_site_works_under_a_project_subpath() {
    check_site(
        "https://example.github.io/quire/",
        "https://example.github.io",
        "/quire/",
    );
}

#[test]
fn essay_site_works_at_a_domain_root() {
    check_site("https://example.com/", "https://example.com", "/");
}

#[test]
fn sitemap_lists_exactly_the_pages_and_robots_points_at_it() {
    let out = temp_dir("sitemap");
    build(&repo(), &out, &["--base-url", "https://example.github.io/quire/"]);
    let tree = read_tree(&out);
    let sitemap = String::from_utf8(tree["sitemap.xml"].clone()).unwrap();
    let listed: BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s[..s.find("</loc>").unwrap()].to_string())
        .collect();
    let pages: BTreeSet<String> = tree
        .keys()
        .filter(|k| k.ends_with("index.html"))
        .map(|k| format!("https://example.github.io/quire/{}", k.trim_end_matches("index.html")))
        .collect();
    assert_eq!(listed, pages);
    let robots = String::from_utf8(tree["robots.txt"].clone()).unwrap();
    assert!(robots.contains("Sitemap: https://example.github.io/quire/sitemap.xml"));
}

#[test]
fn feed_is_atom_with_the_dated_pages_newest_first() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    let tree = read_tree(&out);
    let feed = String::from_utf8(tree["feed.xml"].clone()).expect("a site with dated pages has a feed");
    assert!(
        feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    );
    for required in [
        "<title>Basic fixture</title>",
        "<id>https://example.com/docs/</id>",
        "<updated>2024-06-01T10:00:00+02:00</updated>",
        "rel=\"self\"",
        "<author><name>Fixture Author</name></author>",
    ] {
        assert!(feed.contains(required), "{required} in\n{feed}");
    }
    assert_eq!(feed.matches("<entry>").count(), 2, "only dated pages");
    for entry in feed.split("<entry>").skip(1) {
        let entry = &entry[..entry.find("</entry>").expect("entry closed")];
        for element in ["<id>https://example.com/docs/", "<title>", "<updated>", "<summary>"] {
            assert!(entry.contains(element), "{element} in {entry}");
        }
        assert!(entry.contains("rel=\"alternate\" type=\"text/html\""), "{entry}");
        // RFC 3339 date-times, as Atom requires: a date-only front matter date gets a time.
        let updated = &entry[entry.find("<updated>").unwrap() + 9..entry.find("</updated>").unwrap()];
        assert!(
            updated.len() >= 20 && updated.as_bytes()[10] == b'T' && (updated.ends_with('Z') || updated.contains('+')),
            "{updated}"
        );
    }
    assert!(feed.contains("<link href=\"https://example.com/docs/feed.xml\" rel=\"self\""));
    assert!(
        feed.find("/docs/alpha/").unwrap() < feed.find("/docs/intro/").unwrap(),
        "newest first"
    );
    // Well-formed: every element opened is closed, in order.
    let mut stack = Vec::new();
    for tag in feed.split('<').skip(2) {
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        if let Some(closing) = tag.strip_prefix('/') {
            let closing: String = closing.chars().take_while(|c| *c != '>').collect();
            assert_eq!(stack.pop().as_deref(), Some(closing.as_str()), "feed nesting");
        } else if !tag.split('>').next().unwrap().ends_with('/') {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    let home = String::from_utf8(tree["index.html"].clone()).unwrap();
    assert!(home.contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
    assert!(
        attr_values(&home, "href").contains(&"/docs/feed.xml".to_string()),
        "the home page links the feed"
    );
}

#[test]
fn asset_urls_change_with_their_content() {
    let root = fixture("basic");
    let out = root.join("out");
    build(&root, &out, &[]);
    let before: Vec<String> = read_tree(&out)
        .into_keys()
        .filter(|k| k.starts_with("assets/style."))
        .collect();
    std::fs::create_dir_all(root.join("themes/default/static")).unwrap();
    std::fs::write(root.join("themes/default/static/style.css"), "body { color: red }").unwrap();
    build(&root, &out, &[]);
    let after: Vec<String> = read_tree(&out)
        .into_keys()
        .filter(|k| k.starts_with("assets/style."))
        .collect();
    assert_eq!(before.len(), 1);
    assert_eq!(after.len(), 1);
    assert_ne!(before, after, "a changed stylesheet gets a new URL");
    let home = String::from_utf8(read_tree(&out)["index.html"].clone()).unwrap();
    assert!(home.contains(&after[0]));
}

#[test]
fn no_feed_without_dates_and_no_origin_gives_paths() {
    // The essay has no dated pages: no feed, and no page links one.
    let out = temp_dir("nofeed");
    build(&repo(), &out, &["--base-url", "/quire/"]);
    let tree = read_tree(&out);
    assert!(!tree.contains_key("feed.xml"));
    let home = String::from_utf8(tree["index.html"].clone()).unwrap();
    assert!(!home.contains("application/atom+xml"));
    // A base URL without a host: the sitemap and robots.txt use the path.
    let sitemap = String::from_utf8(tree["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<loc>/quire/</loc>"), "{sitemap}");
    assert!(String::from_utf8_lossy(&tree["robots.txt"]).contains("Sitemap: /quire/sitemap.xml"));
}

#[test]
fn two_builds_of_the_essay_are_byte_identical_search_index_included() {
    let (a, b) = (temp_dir("det-a"), temp_dir("det-b"));
    build(&repo(), &a, &["--base-url", "https://example.github.io/quire/"]);
    build(&repo(), &b, &["--base-url", "https://example.github.io/quire/"]);
    let (ta, tb) = (read_tree(&a), read_tree(&b));
    assert!(ta.keys().filter(|k| k.starts_with("pagefind/")).count() > 20);
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(tb[path] == *bytes, "{path} differs between two builds");
    }
}

#[test]
fn the_repository_config_publishes_absolute_urls_without_a_warning() {
    let out = temp_dir("absolute");
    let run = quire(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        !stderr.contains("warning"),
        "no warning for an absolute base_url: {stderr}"
    );
    let tree = read_tree(&out);
    let origin = "https://quire-docs.github.io/quire/";
    let home = String::from_utf8(tree["index.html"].clone()).unwrap();
    assert!(
        home.contains(&format!("<link rel=\"canonical\" href=\"{origin}\">")),
        "canonical"
    );
    assert!(
        home.contains(&format!("<meta property=\"og:url\" content=\"{origin}\">")),
        "og:url"
    );
    let page = String::from_utf8(tree["computing-power/index.html"].clone()).unwrap();
    assert!(page.contains(&format!("<link rel=\"canonical\" href=\"{origin}computing-power/\">")));
    let sitemap = String::from_utf8(tree["sitemap.xml"].clone()).unwrap();
    let locs: Vec<&str> = sitemap.split("<loc>").skip(1).collect();
    assert!(
        !locs.is_empty() && locs.iter().all(|l| l.starts_with(origin)),
        "{sitemap}"
    );
    let robots = String::from_utf8(tree["robots.txt"].clone()).unwrap();
    assert!(robots.contains(&format!("Sitemap: {origin}sitemap.xml")), "{robots}");
}

#[test]
fn build_warns_at_the_base_url_line_when_it_is_only_a_path() {
    let root = fixture("basic");
    let config = std::fs::read_to_string(root.join("quire.toml")).unwrap();
    std::fs::write(
        root.join("quire.toml"),
        config.replace("base_url = \"https://example.com/docs/\"", "base_url = \"/docs/\""),
    )
    .unwrap();
    let line = std::fs::read_to_string(root.join("quire.toml"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("base_url"))
        .unwrap()
        + 1;
    let out = root.join("out");
    let run = quire(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "a warning, not an error");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!(
            "quire.toml:{line}:1: warning: base_url `/docs/` is only a path, so the sitemap, robots.txt, the feed and the canonical links hold relative URLs"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: to publish, set base_url to the full address"),
        "{stderr}"
    );
    // --base-url with a host silences it; with only a path it names the flag.
    let abs = quire(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        "https://example.com/docs/",
    ]);
    assert!(!String::from_utf8_lossy(&abs.stderr).contains("warning"));
    let flag = quire(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        "/x/",
    ]);
    assert!(
        String::from_utf8_lossy(&flag.stderr).contains("--base-url: warning: base_url `/x/` is only a path"),
        "{}",
        String::from_utf8_lossy(&flag.stderr)
    );
    // `check` publishes nothing and stays quiet.
    let check = quire(&["check", "--root", root.to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&check.stderr).contains("only a path"));
}
