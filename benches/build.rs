//! Build-speed benchmark: generates a site of N pages and times `quire build` on it, cold and
//! warm (nothing changed), in-process stage by stage, and, when `hugo` is installed, Hugo on
//! the same Markdown. Prints figures; asserts nothing about time.
//!
//! `cargo bench --bench build` (10,000 pages), or `QUIRE_BENCH_PAGES=1000 cargo bench --bench build`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const WORDS: &[&str] = &[
    "compute", "memory", "latency", "network", "storage", "kernel", "thread", "cache", "packet", "optics", "switch",
    "silicon", "wafer", "cluster", "model", "token", "vector", "tensor", "graph", "index", "query", "shard", "replica",
    "stream", "buffer", "socket", "driver", "module", "layer", "signal", "power", "thermal", "yield", "supply",
    "demand", "market", "capital", "order", "factory", "design", "testing", "release", "version", "feature",
];

/// A deterministic pseudo-random word stream (no dependency needed for a benchmark).
struct Words(u64);
impl Words {
    fn next(&mut self) -> &'static str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        WORDS[(self.0 % WORDS.len() as u64) as usize]
    }
    fn sentence(&mut self, n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            let w = self.next();
            if i == 0 {
                let mut c = w.chars();
                s.extend(c.next().unwrap().to_uppercase());
                s.push_str(c.as_str());
            } else {
                s.push(' ');
                s.push_str(w);
            }
        }
        s.push('.');
        s
    }
}

/// Writes a site of `sections × per_section` pages plus a 20-term glossary into `root`.
/// `hugo` also writes a Hugo project over the same Markdown.
fn generate(root: &Path, sections: usize, per_section: usize, hugo: bool) {
    let _ = std::fs::remove_dir_all(root);
    let site = root.join("site");
    std::fs::create_dir_all(site.join("glossary")).unwrap();
    std::fs::write(
        root.join("quire.toml"),
        "title = \"Generated\"\nbase_url = \"https://example.com/\"\n",
    )
    .unwrap();
    std::fs::write(
        site.join("_index.md"),
        "---\ntitle: Generated site\n---\nA generated site for benchmarks.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("glossary/_index.md"),
        "---\ntitle: Glossary\nweight: 1000\n---\nTerms.\n",
    )
    .unwrap();
    for w in &WORDS[..20] {
        std::fs::write(
            site.join(format!("glossary/{w}.md")),
            format!("---\ntitle: {w}\nsummary: The {w} of a system.\n---\nA {w} is a thing.\n"),
        )
        .unwrap();
    }
    let mut words = Words(0x9E37_79B9_7F4A_7C15);
    for s in 0..sections {
        let dir = site.join(format!("{s:03}-section-{s}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: Section {s}\nweight: {s}\n---\nSection {s}.\n"),
        )
        .unwrap();
        for p in 0..per_section {
            let mut text = format!("---\ntitle: Page {s}.{p}\nweight: {p}\n---\n");
            for h in 0..3 {
                let _ = writeln!(text, "## Heading {h}\n");
                for _ in 0..3 {
                    let _ = writeln!(
                        text,
                        "{} {} {}\n",
                        words.sentence(12),
                        words.sentence(10),
                        words.sentence(11)
                    );
                }
            }
            if p > 0 {
                let _ = writeln!(
                    text,
                    "See the [previous page]({:03}-page-{}.md#heading-1).",
                    p - 1,
                    p - 1
                );
            }
            std::fs::write(dir.join(format!("{p:03}-page-{p}.md")), text).unwrap();
        }
    }
    if hugo {
        let h = root.join("hugo");
        let _ = std::fs::remove_dir_all(&h);
        std::fs::create_dir_all(h.join("layouts/_default")).unwrap();
        std::fs::write(h.join("hugo.toml"), "baseURL = 'https://example.com/'\ntitle = 'Generated'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n").unwrap();
        // Comparable work: a page with its section's menu, TOC and prev/next.
        let single = r#"<!doctype html><html><head><title>{{ .Title }}</title></head><body>
<nav>{{ range .CurrentSection.Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
<main><h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}</main>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">prev</a>{{ end }}{{ with .NextInSection }}<a href="{{ .RelPermalink }}">next</a>{{ end }}
</body></html>"#;
        std::fs::write(h.join("layouts/_default/single.html"), single).unwrap();
        std::fs::write(
            h.join("layouts/_default/list.html"),
            single.replace(".CurrentSection.Pages", ".Pages"),
        )
        .unwrap();
        // Hugo reads the same Markdown; Quire's relative `.md` links become Hugo's plain links.
        copy_markdown(&site, &h.join("content"));
    }
}

fn copy_markdown(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(dest, text.replace(".md#", "/#")).unwrap();
        }
    }
}

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
/// WebAssembly, the entry and meta files, the largest index chunk and the five largest
/// fragments (Pagefind fetches one chunk per word and one fragment per result shown).
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
    let query = fixed + chunks.iter().max().copied().unwrap_or(0) + fragments.iter().take(5).sum::<u64>();
    println!(
        "search: index {:.1} MiB in {} chunks and {} fragments; one query downloads at most {:.0} KiB",
        total as f64 / 1048576.0,
        chunks.len(),
        fragments.len(),
        query as f64 / 1024.0
    );
}

fn main() {
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
}
