//! Search benchmark: what the index costs to build and what one query costs a reader.
//!
//! Generates a site of N pages (10,000 by default; `QUIRE_BENCH_PAGES=1000` for fewer), times
//! `quire build` on it with and without the search index, reports the index's size on disk,
//! then, when Node, Chromium and the browser tests' npm packages are installed, types queries
//! into the search box of the served site in headless Chromium
//! (`tests/browser/search-bytes.mjs`) and reports every byte each query downloads, for that
//! site and for the essay site. Prints figures; asserts nothing.
//!
//! `cargo bench --bench search`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::generate;

fn quire_bin() -> PathBuf {
    // target/release/deps/search-xxxx → target/release/quire
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("quire");
    if !bin.exists() {
        let status = Command::new("cargo")
            .args(["build", "--release", "--bin", "quire"])
            .status()
            .unwrap();
        assert!(status.success());
    }
    bin
}

fn build(bin: &Path, root: &Path, out: &Path, base_url: Option<&str>) -> Duration {
    let _ = std::fs::remove_dir_all(out);
    let mut cmd = Command::new(bin);
    cmd.args([
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    if let Some(url) = base_url {
        cmd.args(["--base-url", url]);
    }
    let start = Instant::now();
    let output = cmd.output().unwrap();
    let elapsed = start.elapsed();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    elapsed
}

/// Size of the index on disk: (total bytes, index chunks, fragments).
fn bundle_size(out: &Path) -> (u64, usize, usize) {
    let dir = out.join("pagefind");
    let (mut total, mut chunks, mut fragments) = (0, 0, 0);
    for entry in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            total += entry.metadata().map_or(0, |m| m.len());
            let rel = entry.path().strip_prefix(&dir).unwrap();
            chunks += usize::from(rel.starts_with("index"));
            fragments += usize::from(rel.starts_with("fragment"));
        }
    }
    (total, chunks, fragments)
}

/// Runs the browser measurement when everything it needs is installed; prints its lines.
fn measure_queries(repo: &Path, out: &Path, base_path: &str, queries: &[&str]) {
    let script = repo.join("tests/browser/search-bytes.mjs");
    let ready = repo.join("tests/browser/node_modules/playwright-core").exists()
        && (std::env::var_os("CHROMIUM").is_some() || Path::new("/usr/bin/chromium").exists());
    if !ready {
        println!("  bytes per query: skipped (run tests/browser/run.sh once to install Chromium and playwright-core)");
        return;
    }
    let output = Command::new("node")
        .arg(&script)
        .arg(out)
        .arg(base_path)
        .args(queries)
        .output();
    let Some(output) = output.ok().filter(|o| o.status.success()) else {
        println!("  bytes per query: the browser run failed");
        return;
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let kinds = value["byKind"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k} {:.1}", v.as_f64().unwrap_or(0.0) / 1024.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        println!(
            "  {:<24} {:>6.1} KiB in {:>2} requests, {} results ({kinds} KiB)",
            format!("{:?}", value["query"].as_str().unwrap_or("")),
            value["total"].as_f64().unwrap_or(0.0) / 1024.0,
            value["requests"],
            value["results"].as_array().map_or(0, Vec::len),
        );
    }
}

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pages: usize = std::env::var("QUIRE_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let sections = (pages / 100).max(1);
    let per = pages / sections;
    let root = std::env::temp_dir().join(format!("quire-bench-search-{pages}"));
    generate(&root, sections, per, false);
    let bin = quire_bin();

    // The essay site, under a project subpath as on GitHub Pages.
    let essay_out = std::env::temp_dir().join("quire-bench-search-essay");
    let t = build(&bin, &repo, &essay_out, Some("https://example.github.io/quire/"));
    let (total, chunks, fragments) = bundle_size(&essay_out);
    println!(
        "essay site: built in {t:.2?}; index {:.1} KiB on disk ({chunks} chunks, {fragments} fragments)",
        total as f64 / 1024.0
    );
    measure_queries(
        &repo,
        &essay_out,
        "/quire/",
        &["co-packaged optics", "domestic substitution", "computing power"],
    );

    // The generated site: cold builds with the index, then one without it.
    let out = root.join("public");
    let mut with: Vec<Duration> = (0..3).map(|_| build(&bin, &root, &out, None)).collect();
    with.sort();
    let config = root.join("quire.toml");
    let original = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{original}\n[search]\nenabled = false\n")).unwrap();
    let without = build(&bin, &root, &root.join("public-nosearch"), None);
    std::fs::write(&config, original).unwrap();
    let (total, chunks, fragments) = bundle_size(&out);
    println!(
        "generated site, {} pages: cold build with search {:.2?} (best of 3; worst {:.2?}), without {without:.2?}; \
         index {:.1} MiB on disk ({chunks} chunks, {fragments} fragments)",
        sections * per,
        with[0],
        with[2],
        total as f64 / 1048576.0
    );
    // Every generated page uses the same 44 words: each query matches nearly every page,
    // the worst case for the size of the index chunks a query needs.
    measure_queries(
        &repo,
        &out,
        "/",
        &["latency", "optics switch", "thermal yield market", "Page 42.7"],
    );
}
