//! A generated documentation site for benchmarks: sections of pages of varied prose with
//! headings, links between pages and a small glossary, written deterministically.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

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
pub fn generate(root: &Path, sections: usize, per_section: usize, hugo: bool) {
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

pub fn copy_markdown(from: &Path, to: &Path) {
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

/// Writes the generated site of `root` (made by [`generate`]) as an mdBook book in
/// `root/mdbook`: one chapter per section with its pages nested, each page titled by a `#`
/// heading instead of front matter; the `.md` links stay (mdBook rewrites them).
pub fn mdbook_layout(root: &Path) {
    let book = root.join("mdbook");
    let _ = std::fs::remove_dir_all(&book);
    let src = book.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"Generated\"\n\n[output.html]\n\n[output.html.search]\nenable = true\n",
    )
    .unwrap();
    let mut summary = String::from("# Summary\n\n");
    let mut sections: Vec<_> = std::fs::read_dir(root.join("site"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !p.ends_with("glossary"))
        .collect();
    sections.sort();
    for dir in sections {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::create_dir_all(src.join(&name)).unwrap();
        let mut pages: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        // The section's own page first: it is the chapter the pages nest under.
        pages.sort_by_key(|p| (!p.ends_with("_index.md"), p.clone()));
        for page in pages {
            let file = page.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&page).unwrap();
            let (front, body) = text.trim_start_matches("---\n").split_once("\n---\n").unwrap();
            let title = front
                .lines()
                .find_map(|l| l.strip_prefix("title: "))
                .unwrap_or("Page")
                .to_string();
            let out = if file == "_index.md" {
                "README.md".to_string()
            } else {
                file
            };
            std::fs::write(src.join(&name).join(&out), format!("# {title}\n\n{body}")).unwrap();
            let indent = if out == "README.md" { "" } else { "  " };
            let _ = writeln!(summary, "{indent}- [{title}]({name}/{out})");
        }
    }
    std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
}
