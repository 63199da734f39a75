//! Build-speed benchmark: generates a site of N pages and times `quire build` on it, cold and
//! warm (nothing changed), in-process stage by stage, and, when `hugo` is installed, Hugo on
//! the same Markdown. Prints figures; asserts nothing about time.
//!
//! `cargo bench --bench build` (10,000 pages), or `QUIRE_BENCH_PAGES=1000 cargo bench --bench build`.
//! It then times cold builds with and without the search index, interleaved, at 1,000 pages
//! and at the chosen size, and prints medians of wall time and peak memory and their ratio
//! (`QUIRE_BENCH_SEARCH_RUNS`, 3 by default). It ends with one page of 20,000 and of 50,000 identical `## Same` headings, timed against as
//! many unique headings, so that id assignment is seen to grow linearly;
//! `QUIRE_BENCH_ONLY=headings cargo bench --bench build` runs just that case.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::generate;

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed())
}

fn quire_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/release/deps/build-xxxx → target/release/quire
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("quire");
    if !bin.exists() {
        let status = Command::new("cargo")
            .args(["build", "--release", "--bin", "quire"])
            .status()
            .unwrap();
        assert!(status.success());
    }
    bin
}

/// Peak resident memory of a finished child process, in MiB, from GNU time when present.
fn run_measured(cmd: &mut Command) -> (Duration, Option<f64>) {
    let has_time = Path::new("/usr/bin/time").exists();
    let start = Instant::now();
    let output = if has_time {
        let mut wrapped = Command::new("/usr/bin/time");
        wrapped.arg("-f").arg("%M").arg(cmd.get_program()).args(cmd.get_args());
        if let Some(dir) = cmd.get_current_dir() {
            wrapped.current_dir(dir);
        }
        wrapped.output().unwrap()
    } else {
        cmd.output().unwrap()
    };
    let elapsed = start.elapsed();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rss = has_time
        .then(|| {
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<f64>().ok())
        })
        .flatten()
        .map(|kib| kib / 1024.0);
    (elapsed, rss)
}

/// An upper bound of what one single-word query downloads: the loader, its worker, the
/// WebAssembly, the entry and meta files, the largest index chunk and the eight largest
/// fragments (Pagefind fetches one chunk per word, and the search box shows eight results).
fn report_search_bytes(out: &Path) {
    let dir = out.join("pagefind");
    let mut fixed = 0u64;
    let mut chunks = Vec::new();
    let mut fragments = Vec::new();
    let mut total = 0u64;
    for entry in walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
        total += len;
        let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        if rel.starts_with("index/") {
            chunks.push(len);
        } else if rel.starts_with("fragment/") {
            fragments.push(len);
        } else if rel.starts_with("wasm.unknown") {
            // Loaded only for pages without a language; ours declare one.
        } else {
            fixed += len;
        }
    }
    fragments.sort_unstable_by(|a, b| b.cmp(a));
    let query = fixed + chunks.iter().max().copied().unwrap_or(0) + fragments.iter().take(8).sum::<u64>();
    println!(
        "search: index {:.1} MiB in {} chunks and {} fragments; one query downloads at most {:.0} KiB",
        total as f64 / 1048576.0,
        chunks.len(),
        fragments.len(),
        query as f64 / 1024.0
    );
}

/// Times loading (Markdown included) of a site whose one page has `n` headings.
fn time_headings(n: usize, repeated: bool) -> Duration {
    let root = std::env::temp_dir().join(format!("quire-bench-headings-{n}-{repeated}"));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("site")).unwrap();
    std::fs::write(root.join("quire.toml"), "title = \"Headings\"\n").unwrap();
    std::fs::write(root.join("site/_index.md"), "# Home\n").unwrap();
    let mut page = String::from("---\ntitle: Headings\n---\n");
    for i in 0..n {
        if repeated {
            page.push_str("## Same\n\ntext\n\n");
        } else {
            page.push_str(&format!("## Heading {i}\n\ntext\n\n"));
        }
    }
    std::fs::write(root.join("site/headings.md"), page).unwrap();
    let options = quire::site::SiteOptions::default();
    let (site, elapsed) = time(|| quire::Site::load(&root, &options).expect("heading site loads"));
    let ids = &site.bodies[site.content.by_source["headings.md"]].ids;
    assert_eq!(ids.len(), n, "every heading has its own id");
    let _ = std::fs::remove_dir_all(&root);
    elapsed
}

/// Repeated headings must cost what unique ones do: time both at two sizes.
fn repeated_headings() {
    for n in [20_000, 50_000] {
        let same = time_headings(n, true);
        let unique = time_headings(n, false);
        println!(
            "{n} headings: repeated `## Same` {same:.2?} ({:.1} µs each), unique {unique:.2?} ({:.1} µs each)",
            same.as_secs_f64() * 1e6 / n as f64,
            unique.as_secs_f64() * 1e6 / n as f64
        );
    }
}

/// Code blocks of the kinds documentation carries, about 12 lines each.
const SNIPPETS: &[(&str, &str)] = &[
    (
        "rust,ignore",
        "use std::collections::HashMap;\n\n/// Counts words.\nfn count(text: &str) -> HashMap<&str, usize> {\n    let mut counts = HashMap::new();\n    for word in text.split_whitespace() {\n        *counts.entry(word).or_insert(0) += 1;\n    }\n    counts\n}\n\nfn main() {\n    println!(\"{:?}\", count(\"a b a\"));\n}\n",
    ),
    (
        "python",
        "import json\n\n\ndef load(path: str) -> dict:\n    \"\"\"Reads a JSON file.\"\"\"\n    with open(path) as f:\n        return json.load(f)  # may raise\n\n\nclass Site:\n    def __init__(self, pages=10):\n        self.pages = pages\n",
    ),
    (
        "toml",
        "[package]\nname = \"example\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\nrayon = \"1\"\n\n[profile.release]\nlto = true\n",
    ),
    (
        "javascript",
        "// Debounce a function.\nexport function debounce(fn, ms = 100) {\n  let timer = 0;\n  return (...args) => {\n    clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), ms);\n  };\n}\n\nconst log = debounce((x) => console.log(`value: ${x}`));\nlog(42);\n",
    ),
    (
        "console",
        "$ cargo build --release\n   Compiling example v0.1.0\n    Finished release [optimized] target(s) in 4.2s\n$ ./target/release/example --help\nUsage: example [OPTIONS] <FILE>\n",
    ),
    (
        "yaml",
        "name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test --locked\n        env:\n          RUST_BACKTRACE: 1\n",
    ),
];

/// Appends a code block to every third page of the generated site (the highlighting case).
fn add_code_blocks(root: &Path) -> usize {
    let mut n = 0;
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(root.join("site"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && p.to_string_lossy().contains("-page-"))
        .collect();
    pages.sort();
    for (i, page) in pages.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let (info, code) = SNIPPETS[i / 3 % SNIPPETS.len()];
        let mut text = std::fs::read_to_string(page).unwrap();
        text.push_str(&format!("\n```{info}\n{code}```\n"));
        std::fs::write(page, text).unwrap();
        n += 1;
    }
    n
}

/// The fastest of `runs` cold builds (output removed first) into `out`.
fn fastest_cold(runs: usize, out: &Path, mut build: impl FnMut(&Path) -> Command) -> Duration {
    (0..runs)
        .map(|_| {
            let _ = std::fs::remove_dir_all(out);
            run_measured(&mut build(out)).0
        })
        .min()
        .unwrap()
}

/// Median of a few durations or figures.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// What the search index costs: cold builds of a generated site of `pages` pages with the
/// index and without it, interleaved (`runs` of each), as medians of wall time and peak
/// memory, and their ratio.
fn search_cost(bin: &Path, pages: usize, runs: usize) {
    let sections = (pages / 100).max(1);
    let root = std::env::temp_dir().join(format!("quire-bench-search-{pages}"));
    generate(&root, sections, pages / sections, false);
    let config = root.join("quire.toml");
    let on = std::fs::read_to_string(&config).unwrap();
    let off = format!("{on}\n[search]\nenabled = false\n");
    let out = root.join("public");
    let (mut wall, mut rss) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for _ in 0..runs {
        for (i, text) in [&off, &on].into_iter().enumerate() {
            std::fs::write(&config, text).unwrap();
            let _ = std::fs::remove_dir_all(&out);
            let mut c = Command::new(bin);
            c.args([
                "build",
                "--root",
                root.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
            ]);
            let (t, m) = run_measured(&mut c);
            wall[i].push(t.as_secs_f64());
            rss[i].push(m.unwrap_or(0.0));
        }
    }
    let [off_wall, on_wall] = wall.map(median);
    let [off_rss, on_rss] = rss.map(median);
    println!(
        "search cost, {} pages, median of {runs} interleaved cold builds: without search {off_wall:.2} s, {off_rss:.0} MiB; \
         with search {on_wall:.2} s, {on_rss:.0} MiB; with/without {:.2}× wall, {:.2}× memory",
        sections * (pages / sections),
        on_wall / off_wall,
        on_rss / off_rss.max(1.0)
    );
    let _ = std::fs::remove_dir_all(&root);
}

fn main() {
    if std::env::var("QUIRE_BENCH_ONLY").as_deref() == Ok("headings") {
        repeated_headings();
        return;
    }
    let pages: usize = std::env::var("QUIRE_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let sections = (pages / 100).max(1);
    let per = pages / sections;
    let root = std::env::temp_dir().join(format!("quire-bench-build-{pages}"));
    let hugo = Command::new("hugo")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    let (_, generated) = time(|| generate(&root, sections, per, hugo));
    println!(
        "generated {} pages in {sections} sections in {generated:.1?} at {}",
        sections * per,
        root.display()
    );
    // For profiling by hand: `QUIRE_BENCH_ONLY=generate` leaves the site at that path and stops.
    if std::env::var("QUIRE_BENCH_ONLY").as_deref() == Ok("generate") {
        return;
    }

    // In-process, stage by stage, to see where time goes.
    let options = quire::site::SiteOptions::default();
    let (site, load) = time(|| quire::Site::load(&root, &options).expect("generated site builds"));
    let (mut output, render) = time(|| quire::render::render_site(&site).expect("renders"));
    let (_, search) = time(|| quire::publish::add_published_files(&site, &mut output).expect("indexes"));
    println!(
        "in-process: load+markdown {load:.1?}, templates {render:.1?}, search index {search:.1?}, {} files",
        output.files.len()
    );

    let bin = quire_bin();
    let out = root.join("public");
    let _ = std::fs::remove_dir_all(&out);
    let build = |out: &Path| {
        let mut c = Command::new(&bin);
        c.args([
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ]);
        c
    };
    let (cold, rss) = run_measured(&mut build(&out));
    let (warm, _) = run_measured(&mut build(&out));
    let mb = |r: Option<f64>| r.map_or(String::new(), |r| format!(", peak RSS {r:.0} MiB"));
    println!(
        "quire build: cold {cold:.2?}{}, again with nothing changed {warm:.2?}",
        mb(rss)
    );
    // The same build without the search index, for a like-for-like comparison with Hugo.
    let config = root.join("quire.toml");
    let with_search = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{with_search}\n[search]\nenabled = false\n")).unwrap();
    let plain = root.join("public-nosearch");
    let _ = std::fs::remove_dir_all(&plain);
    let (cold, rss) = run_measured(&mut build(&plain));
    println!("quire build without search: cold {cold:.2?}{}", mb(rss));

    // Highlighting: the same site without search, then with a code block on every third page.
    let plain_best = fastest_cold(3, &plain, &build);
    let blocks = add_code_blocks(&root);
    let code_best = fastest_cold(3, &plain, &build);
    let (code_site, code_load) = time(|| quire::Site::load(&root, &options).expect("the site with code blocks builds"));
    drop(code_site);
    println!(
        "highlighting: {blocks} code blocks; without search, best of 3 cold builds {plain_best:.2?} → {code_best:.2?} \
         ({:+.1}%); in-process load+markdown {load:.1?} → {code_load:.1?}",
        (code_best.as_secs_f64() / plain_best.as_secs_f64() - 1.0) * 100.0
    );
    std::fs::write(&config, with_search).unwrap();

    report_search_bytes(&out);

    if hugo {
        let hdir = root.join("hugo");
        let hout = root.join("hugo-public");
        let _ = std::fs::remove_dir_all(&hout);
        let mut c = Command::new("hugo");
        c.current_dir(&hdir)
            .args(["--quiet", "--destination", hout.to_str().unwrap()]);
        let (t, rss) = run_measured(&mut c);
        let version = String::from_utf8_lossy(&Command::new("hugo").arg("version").output().unwrap().stdout)
            .trim()
            .to_string();
        println!("hugo ({version}): cold {t:.2?}{}", mb(rss));
    } else {
        println!("hugo: not installed (apt-get install hugo) — skipped");
    }
    // The search index's cost at two sizes; `QUIRE_BENCH_SEARCH_RUNS` runs of each (3).
    let runs = std::env::var("QUIRE_BENCH_SEARCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    for n in [1_000, pages] {
        search_cost(&bin, n, runs);
        if n == pages {
            break;
        }
    }
    repeated_headings();
}
