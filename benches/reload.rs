//! Live-reload latency: the time from saving a page to (a) the reload event reaching a
//! client of `quire serve` and (b) the new page being served, for the essay site and for a
//! generated 10,000-page site. Prints median and p90; asserts nothing about time.
//!
//! `cargo bench --bench reload` (`QUIRE_BENCH_PAGES=1000` for a smaller generated site).
//! `cargo bench --bench reload -- --generate DIR PAGES` only writes the generated site (for
//! the browser benchmark, tests/browser/reload-bench.mjs).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EDITS: usize = 20;

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn quire_bin() -> PathBuf {
    let dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let bin = dir.join("quire");
    if !bin.exists() {
        assert!(
            Command::new("cargo")
                .args(["build", "--release", "--bin", "quire"])
                .status()
                .unwrap()
                .success()
        );
    }
    bin
}

fn get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    body
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Starts the server on `root`, edits `page` (served at `url`) `EDITS` times, and prints figures.
fn measure(label: &str, root: &Path, page: &Path, url: &str) {
    let started = Instant::now();
    let mut child = Command::new(quire_bin())
        .args(["serve", "--port", "0", "--root", root.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = Server(child);
    let startup = started.elapsed();
    let port: u16 = line
        .trim()
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let base = format!("/{}", line.trim().splitn(4, '/').nth(3).unwrap_or(""));
    let url = format!("{base}{url}");

    // Let the first search index finish (it is built beside the served pages) so the edits
    // below measure a settled server.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !get(port, &format!("{base}pagefind/pagefind-entry.json")).starts_with("HTTP/1.1 200") {
        assert!(Instant::now() < deadline, "the search index never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
    let settled = started.elapsed();
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(events, "GET /__quire/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut events = BufReader::new(events);
    let wait_for = |events: &mut BufReader<TcpStream>, name: &str| loop {
        let mut l = String::new();
        if events.read_line(&mut l).unwrap_or(0) == 0 {
            panic!("event stream closed");
        }
        if l.trim() == format!("event: {name}") {
            return;
        }
    };
    wait_for(&mut events, "hello");

    let original = std::fs::read_to_string(page).unwrap();
    let (mut to_event, mut to_page) = (Vec::new(), Vec::new());
    for i in 0..EDITS {
        let marker = format!("Benchmark edit number {i} is here.");
        std::fs::write(page, format!("{original}\n{marker}\n")).unwrap();
        let t0 = Instant::now();
        wait_for(&mut events, "reload");
        to_event.push(t0.elapsed());
        let deadline = Instant::now() + Duration::from_secs(30);
        while !get(port, &url).contains(&marker) {
            assert!(Instant::now() < deadline, "the edit never appeared");
        }
        to_page.push(t0.elapsed());
        std::thread::sleep(Duration::from_millis(60));
    }
    std::fs::write(page, original).unwrap();
    println!(
        "{label}: startup {startup:.0?} (search index ready at {settled:.1?}); save → reload event: median {:.1?}, p90 {:.1?}; save → new page served: median {:.1?}, p90 {:.1?} ({EDITS} edits)",
        percentile(to_event.clone(), 0.5),
        percentile(to_event, 0.9),
        percentile(to_page.clone(), 0.5),
        percentile(to_page, 0.9),
    );
}

fn copy_site(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    for dir in ["site", "themes", "static"] {
        if from.join(dir).is_dir() {
            for entry in walkdir::WalkDir::new(from.join(dir)) {
                let entry = entry.unwrap();
                let dest = to.join(entry.path().strip_prefix(from).unwrap());
                if entry.file_type().is_dir() {
                    std::fs::create_dir_all(&dest).unwrap();
                } else {
                    std::fs::copy(entry.path(), &dest).unwrap();
                }
            }
        }
    }
    std::fs::copy(from.join("quire.toml"), to.join("quire.toml")).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let dir = PathBuf::from(args.get(i + 1).expect("--generate DIR PAGES"));
        let pages: usize = args.get(i + 2).and_then(|p| p.parse().ok()).unwrap_or(10_000);
        let sections = (pages / 100).max(1);
        common::generate(&dir, sections, pages / sections, false);
        println!("{}", dir.display());
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let essay = std::env::temp_dir().join("quire-bench-reload-essay");
    copy_site(&repo, &essay);
    measure(
        "essay site",
        &essay,
        &essay.join("site/02-computing-power.md"),
        "computing-power/",
    );

    let pages: usize = std::env::var("QUIRE_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let sections = (pages / 100).max(1);
    let generated = std::env::temp_dir().join(format!("quire-bench-reload-{pages}"));
    common::generate(&generated, sections, pages / sections, false);
    let page = generated.join("site/050-section-50/042-page-42.md");
    let page = if page.exists() {
        page
    } else {
        generated.join("site/000-section-0/000-page-0.md")
    };
    let url = if page.ends_with("042-page-42.md") {
        "section-50/page-42/"
    } else {
        "section-0/page-0/"
    };
    measure(
        &format!("generated site of {} pages", sections * (pages / sections)),
        &generated,
        &page,
        url,
    );
}
