//! The dev server over real HTTP on 127.0.0.1: content types, redirects, 404s, hostile
//! paths, live-reload events after edits, errors and recovery, and many open streams.
//! Every wait is bounded; the server process is killed when a test ends.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `quire serve`; killed on drop.
struct Server {
    child: Child,
    port: u16,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["serve", "--port", "0", "--root", root.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("first line is the URL: {line:?}"));
    let (port, base) = url.split_once('/').unwrap();
    Server {
        child,
        port: port.parse().unwrap(),
        base: format!("/{base}"),
    }
}

/// A response: status, headers (lower-case names) and body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `METHOD path` exactly as given (no normalisation) and reads the whole response.
fn request(port: u16, method: &str, path: &str) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(port: u16, path: &str) -> Response {
    request(port, "GET", path)
}

/// An open event stream, read line by line.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        write!(s, "GET /__quire/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        Events {
            reader: BufReader::new(s),
        }
    }

    /// The data of the next event named `name`, waiting at most `within`.
    fn next(&mut self, name: &str, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        let mut current = String::new();
        while Instant::now() < deadline {
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {
                    if let Some(ev) = line.strip_prefix("event: ") {
                        current = ev.trim().to_string();
                    } else if let Some(data) = line.strip_prefix("data: ")
                        && current == name
                    {
                        return Some(data.trim().to_string());
                    }
                }
                Err(_) => continue, // read timeout: look at the deadline again
            }
        }
        None
    }
}

/// Waits until `f` holds, polling, for at most `within`.
fn eventually(within: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn content_types_head_redirects_and_404() {
    let root = fixture("basic");
    let s = start(&root);
    assert_eq!(s.base, "/docs/", "the fixture's base path is served as deployed");
    let home = get(s.port, "/docs/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(
        home.text().contains("/__quire/live.js"),
        "the live-reload script is injected"
    );
    let css_path = attr_values(&home.text(), "href")
        .into_iter()
        .find(|h| h.ends_with(".css"))
        .unwrap();
    assert_eq!(
        get(s.port, &css_path).header("content-type"),
        Some("text/css; charset=utf-8")
    );
    let js_path = attr_values(&home.text(), "src")
        .into_iter()
        .find(|h| h.contains("/assets/quire."))
        .unwrap();
    assert_eq!(
        get(s.port, &js_path).header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        get(s.port, "/docs/guide/logo.svg").header("content-type"),
        Some("image/svg+xml")
    );
    assert_eq!(
        get(s.port, "/docs/robots-extra.txt").header("content-type"),
        Some("text/plain; charset=utf-8")
    );

    let head = request(s.port, "HEAD", "/docs/intro/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let redirect = get(s.port, "/docs/guide");
    assert_eq!(
        (redirect.status, redirect.header("location")),
        (301, Some("/docs/guide/"))
    );
    assert_eq!(get(s.port, "/").status, 302, "the bare root leads to the base path");
    let missing = get(s.port, "/docs/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"), "the site's own 404 page");
    assert_eq!(get(s.port, "/docs/assets/").status, 404, "no directory listings");
}

#[test]
fn hostile_paths_never_leak_files() {
    let root = fixture("basic");
    std::fs::write(root.join("secret.txt"), "TOP-SECRET").unwrap();
    let s = start(&root);
    for path in [
        "/../secret.txt",
        "/docs/../secret.txt",
        "/docs/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/docs/..%2fsecret.txt",
        "/docs/%2e%2e%5csecret.txt",
        "/docs/guide/..%2f..%2f..%2fsecret.txt",
        "/docs/%00",
        "//etc/passwd",
        "/docs/C:/Windows/win.ini",
        "/docs/guide/%2e%2e/%2e%2e/quire.toml",
        "/docs/..\\..\\secret.txt",
        "/docs/site/_index.md",
        "/docs/quire.toml",
        "/docs/guide%0d%0aSet-Cookie:%20stolen=1",
    ] {
        let r = get(s.port, path);
        assert!(matches!(r.status, 400 | 404), "{path}: status {}", r.status);
        let body = r.text();
        assert!(
            !body.contains("TOP-SECRET") && !body.contains("root:x:0") && !body.contains("base_url"),
            "{path} leaked"
        );
        assert!(r.header("set-cookie").is_none(), "{path} injected a header");
    }
}

#[test]
fn edits_reload_errors_show_and_recovery_follows() {
    let root = fixture("basic");
    let s = start(&root);
    let mut events = Events::open(s.port);
    assert!(
        events.next("hello", Duration::from_secs(5)).is_some(),
        "a stream starts with hello"
    );

    let page = root.join("site/01-intro.md");
    let original = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{original}\nA freshly written sentence.\n")).unwrap();
    assert!(
        events.next("reload", Duration::from_secs(10)).is_some(),
        "reload event after an edit"
    );
    assert!(
        get(s.port, "/docs/intro/")
            .text()
            .contains("A freshly written sentence."),
        "new text is served"
    );

    std::fs::write(&page, original.replacen("title: Introduction", "title: [unclosed", 1)).unwrap();
    let error = events
        .next("error", Duration::from_secs(10))
        .expect("error event after breaking front matter");
    assert!(error.contains("site/01-intro.md:2"), "{error}");
    let still = get(s.port, "/docs/intro/");
    assert_eq!(still.status, 200);
    assert!(
        still.text().contains("A freshly written sentence."),
        "the last good build is still served"
    );

    std::fs::write(&page, &original).unwrap();
    assert!(
        events.next("reload", Duration::from_secs(10)).is_some(),
        "recovery reloads the pages"
    );
    assert!(
        !get(s.port, "/docs/intro/")
            .text()
            .contains("A freshly written sentence.")
    );
}

#[test]
fn new_and_deleted_pages_and_editor_renames() {
    let root = fixture("basic");
    let s = start(&root);
    let mut events = Events::open(s.port);
    events.next("hello", Duration::from_secs(5));
    // Editors save by writing a temporary file and renaming it over the original.
    let tmp = root.join("site/.new-page.md.swp");
    std::fs::write(&tmp, "---\ntitle: Brand new\n---\nHello.\n").unwrap();
    std::fs::rename(&tmp, root.join("site/new-page.md")).unwrap();
    assert!(events.next("reload", Duration::from_secs(10)).is_some());
    assert!(eventually(Duration::from_secs(5), || get(s.port, "/docs/new-page/")
        .status
        == 200));
    std::fs::remove_file(root.join("site/new-page.md")).unwrap();
    assert!(events.next("reload", Duration::from_secs(10)).is_some());
    assert_eq!(get(s.port, "/docs/new-page/").status, 404);
}

#[test]
fn fifty_open_streams_do_not_starve_requests() {
    let root = fixture("basic");
    let s = start(&root);
    // Fifty tabs open their streams while pages are being requested.
    let mut streams: Vec<Events> = (0..50).map(|_| Events::open(s.port)).collect();
    let burst: Vec<_> = (0..40)
        .map(|i| {
            let port = s.port;
            std::thread::spawn(move || get(port, if i % 2 == 0 { "/docs/" } else { "/docs/intro/" }).status)
        })
        .collect();
    for t in burst {
        assert_eq!(t.join().unwrap(), 200);
    }
    for (i, e) in streams.iter_mut().enumerate() {
        assert!(
            e.next("hello", Duration::from_secs(10)).is_some(),
            "stream {i} got no hello"
        );
    }
    std::fs::write(
        root.join("site/zeta.md"),
        "# Zeta from heading\n\nChanged for all tabs.\n",
    )
    .unwrap();
    for e in &mut streams {
        assert!(
            e.next("reload", Duration::from_secs(10)).is_some(),
            "every open tab hears the reload"
        );
    }
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let root = fixture("basic");
    let out = quire(&["serve", "--port", &port, "--root", root.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port}")) && stderr.contains("already in use"),
        "{stderr}"
    );
}

/// Sends raw request bytes on a fresh connection and reads until the server closes it.
fn raw(port: u16, text: &str) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// Reads one response with a `Content-Length` from a kept-alive connection.
fn read_one(reader: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line.split(' ').nth(1).expect("a status line").parse().unwrap();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some((n, v)) = line.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("every answer has a Content-Length");
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    (status, headers, body)
}

#[test]
fn kept_alive_connections_answer_without_a_stall() {
    let root = fixture("basic");
    let s = start(&root);
    let stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    // Each request is sent only once the previous answer is in: what a browser does on one
    // connection. Nagle's algorithm against a delayed ACK made each wait ~40 ms.
    let n = 40;
    let started = Instant::now();
    for i in 0..n {
        let path = if i % 2 == 0 { "/docs/" } else { "/docs/intro/" };
        // One write, as browsers send a request: `write!` on a bare socket would send it
        // piecemeal and meet the client's own Nagle delay.
        let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", s.port);
        writer.write_all(request.as_bytes()).unwrap();
        let (status, headers, body) = read_one(&mut reader);
        assert_eq!(status, 200);
        assert!(!headers.iter().any(|(n, _)| n == "connection"), "kept alive");
        assert!(String::from_utf8_lossy(&body).contains("</html>"));
    }
    let per_request = started.elapsed() / n;
    assert!(
        per_request < Duration::from_millis(25),
        "{per_request:?} per request on a kept-alive connection"
    );
    // The client's `Connection: close` is answered with one, and the connection ends.
    write!(
        writer,
        "GET /docs/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
        s.port
    )
    .unwrap();
    let (status, headers, _) = read_one(&mut reader);
    assert_eq!(status, 200);
    assert!(headers.contains(&("connection".into(), "close".into())), "{headers:?}");
    let mut rest = Vec::new();
    assert_eq!(
        reader.read_to_end(&mut rest).unwrap(),
        0,
        "the server closed the connection"
    );
}

#[test]
fn hashed_assets_are_cached_for_good_and_pages_never() {
    let root = fixture("basic");
    let s = start(&root);
    let home = get(s.port, "/docs/");
    assert_eq!(home.header("cache-control"), Some("no-store"));
    let assets: Vec<String> = attr_values(&home.text(), "href")
        .into_iter()
        .chain(attr_values(&home.text(), "src"))
        .filter(|h| h.contains("/docs/assets/"))
        .collect();
    assert!(assets.len() >= 2, "{assets:?}");
    for asset in &assets {
        assert_eq!(
            get(s.port, asset).header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{asset}"
        );
    }
    for other in [
        "/docs/guide/logo.svg",
        "/docs/robots-extra.txt",
        "/__quire/live.js",
        "/docs/intro/",
    ] {
        assert_eq!(get(s.port, other).header("cache-control"), Some("no-store"), "{other}");
    }
}

#[test]
fn foreign_hosts_other_methods_and_cors_are_refused() {
    let root = fixture("basic");
    let s = start(&root);
    let p = s.port;
    for host in [
        format!("127.0.0.1:{p}"),
        format!("localhost:{p}"),
        format!("[::1]:{p}"),
        format!("127.0.0.2:{p}"),
        "localhost".into(),
    ] {
        let r = raw(
            p,
            &format!("GET /docs/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(r.status, 200, "{host}");
    }
    for host in [
        format!("evil.example:{p}"),
        format!("127.0.0.1.nip.io:{p}"),
        format!("localhost.evil.example:{p}"),
        format!("127.0.0.1:{}", p.wrapping_add(1)),
        format!("192.0.2.1:{p}"),
    ] {
        for path in ["/docs/", "/__quire/events", "/__quire/live.js"] {
            let r = raw(
                p,
                &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
            );
            assert_eq!(r.status, 403, "{host}{path}");
            assert!(!r.text().contains("<html"), "{host}{path}: no page text");
            assert!(!r.text().contains("event:"), "{host}{path}: no event stream");
        }
    }
    let no_host = raw(p, "GET /docs/ HTTP/1.0\r\n\r\n");
    assert_eq!(no_host.status, 403, "a request without Host is refused");
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        for path in ["/docs/", "/__quire/events"] {
            let r = raw(
                p,
                &format!(
                    "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                ),
            );
            assert_eq!(r.status, 405, "{method} {path}");
            assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method} {path}");
            assert!(!r.text().contains("event:"), "{method} {path} opened a stream");
        }
    }
    // No answer allows other origins to read it, the event stream above all.
    let mut events = TcpStream::connect(("127.0.0.1", p)).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        events,
        "GET /__quire/events HTTP/1.1\r\nHost: 127.0.0.1:{p}\r\nOrigin: http://evil.example\r\n\r\n"
    )
    .unwrap();
    let mut head = String::new();
    let mut reader = BufReader::new(events);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        head.push_str(&line);
    }
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !head.to_ascii_lowercase().contains("access-control-allow-origin"),
        "{head}"
    );
    for path in ["/docs/", "/__quire/live.js", "/docs/no-such-page/"] {
        assert!(get(p, path).header("access-control-allow-origin").is_none(), "{path}");
    }
}

/// Edits `file` with `marker` and waits (bounded) until `path` serves it.
fn edit_shows(port: u16, file: &Path, marker: &str, path: &str) -> bool {
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(file, format!("{text}\n{marker}\n")).unwrap();
    eventually(Duration::from_secs(10), || get(port, path).text().contains(marker))
}

#[test]
fn watching_survives_moving_the_site_folder_away_and_back() {
    let root = fixture("basic");
    let s = start(&root);
    let page = root.join("site/01-intro.md");
    assert!(edit_shows(s.port, &page, "Before the move.", "/docs/intro/"));
    std::fs::rename(root.join("site"), root.join("x")).unwrap();
    // The server notices the site is gone (the build fails) before it comes back.
    std::thread::sleep(Duration::from_millis(300));
    std::fs::rename(root.join("x"), root.join("site")).unwrap();
    assert!(
        edit_shows(s.port, &page, "After the move back.", "/docs/intro/"),
        "edits after `mv site x; mv x site` are seen"
    );
    // And at once, as a shell line does.
    std::fs::rename(root.join("site"), root.join("x")).unwrap();
    std::fs::rename(root.join("x"), root.join("site")).unwrap();
    assert!(
        edit_shows(s.port, &page, "After the quick move back.", "/docs/intro/"),
        "edits after a quick `mv site x; mv x site` are seen"
    );
    // Deleted and written anew.
    let saved = std::fs::read_to_string(&page).unwrap();
    let copy = root.join("site-copy");
    copy_dir(&root.join("site"), &copy);
    std::fs::remove_dir_all(root.join("site")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    copy_dir(&copy, &root.join("site"));
    std::fs::write(&page, &saved).unwrap();
    assert!(
        edit_shows(s.port, &page, "After deleting and restoring.", "/docs/intro/"),
        "edits after deleting and restoring site/ are seen"
    );
}

#[test]
fn watching_survives_static_and_themes_deleted_restored_and_replaced() {
    let root = fixture("basic");
    let theme = |text: &str| {
        let dir = root.join("themes-new/templates");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("404.html"),
            format!("<!doctype html><title>x</title><p>{text}</p>"),
        )
        .unwrap();
    };
    theme("FIRST THEME");
    std::fs::create_dir_all(root.join("themes")).unwrap();
    std::fs::rename(root.join("themes-new"), root.join("themes/default")).unwrap();
    let s = start(&root);
    assert!(get(s.port, "/docs/nope/").text().contains("FIRST THEME"));

    // static/ deleted, then restored.
    let extra = root.join("static/robots-extra.txt");
    let saved = std::fs::read_to_string(&extra).unwrap();
    std::fs::remove_dir_all(root.join("static")).unwrap();
    assert!(eventually(Duration::from_secs(10), || get(
        s.port,
        "/docs/robots-extra.txt"
    )
    .status
        == 404));
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(&extra, &saved).unwrap();
    assert!(eventually(Duration::from_secs(10), || get(
        s.port,
        "/docs/robots-extra.txt"
    )
    .status
        == 200));
    assert!(
        edit_shows(
            s.port,
            &extra,
            "static edited after its restore",
            "/docs/robots-extra.txt"
        ),
        "static/ is watched again"
    );

    // The theme folder replaced while serving, then edited.
    theme("SECOND THEME");
    std::fs::rename(root.join("themes/default"), root.join("old-theme")).unwrap();
    std::fs::rename(root.join("themes-new"), root.join("themes/default")).unwrap();
    assert!(eventually(Duration::from_secs(10), || get(s.port, "/docs/nope/")
        .text()
        .contains("SECOND THEME")));
    std::fs::write(
        root.join("themes/default/templates/404.html"),
        "<!doctype html><title>x</title><p>THIRD THEME</p>",
    )
    .unwrap();
    assert!(
        eventually(Duration::from_secs(10), || get(s.port, "/docs/nope/")
            .text()
            .contains("THIRD THEME")),
        "the replacing theme folder is watched"
    );

    // themes/ deleted and restored.
    std::fs::rename(root.join("themes"), root.join("themes-away")).unwrap();
    assert!(eventually(Duration::from_secs(10), || get(s.port, "/docs/nope/")
        .text()
        .contains("Page not found")));
    std::fs::rename(root.join("themes-away"), root.join("themes")).unwrap();
    assert!(eventually(Duration::from_secs(10), || get(s.port, "/docs/nope/")
        .text()
        .contains("THIRD THEME")));
    std::fs::write(
        root.join("themes/default/templates/404.html"),
        "<!doctype html><title>x</title><p>FOURTH THEME</p>",
    )
    .unwrap();
    assert!(
        eventually(Duration::from_secs(10), || get(s.port, "/docs/nope/")
            .text()
            .contains("FOURTH THEME")),
        "themes/ is watched again after coming back"
    );
}
