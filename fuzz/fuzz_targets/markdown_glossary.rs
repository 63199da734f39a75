//! Markdown with glossary linking, through the whole pipeline (`quire::check`: load,
//! glossary, Markdown, templates, rendering in memory).
//!
//! Input, split at 0xFF bytes (never part of UTF-8): a page file (raw, front matter and
//! all), a glossary term's title, its aliases (one per line), its body, and the home
//! page's body. The term's front matter is written as JSON strings, which YAML reads,
//! so a title or alias can hold any text. The link policy follows the input's length.
//! Errors are fine; a panic is a bug. About 170 inputs a second: compiling the theme
//! once per process instead of per input was tried and changed nothing measurable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::BuildOptions;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const POLICIES: [&str; 4] = ["first", "first-per-section", "all", "none"];

/// One folder reused for every input (a fresh one per process).
fn site_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("quire-fuzz-md-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("site/glossary")).expect("create the fuzz site");
        std::fs::write(dir.join("site/glossary/_index.md"), "---\ntitle: Glossary\n---\nTerms.\n")
            .expect("write the glossary index");
        dir
    })
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xFF);
    let mut next = || std::str::from_utf8(parts.next().unwrap_or_default()).ok();
    let (Some(page), Some(title), Some(aliases), Some(term_body), Some(home)) =
        (next(), next(), next(), next(), next())
    else {
        return;
    };
    let dir = site_dir();
    let policy = POLICIES[data.len() % POLICIES.len()];
    let aliases: Vec<String> = aliases.lines().filter(|a| !a.is_empty()).map(json).collect();
    let term = format!(
        "---\ntitle: {}\naliases: [{}]\nsummary: {}\n---\n{term_body}",
        json(title),
        aliases.join(", "),
        json(title),
    );
    let files = [
        (
            "quire.toml",
            format!("title = \"Fuzz\"\nbase_url = \"/\"\n[search]\nenabled = false\n[glossary]\nlink = \"{policy}\"\n"),
        ),
        ("site/_index.md", format!("---\ntitle: Home\n---\n{home}")),
        ("site/page.md", page.to_string()),
        ("site/glossary/term.md", term),
    ];
    for (path, text) in files {
        std::fs::write(dir.join(path), text).expect("write the fuzz site");
    }
    let _ = quire::check(&BuildOptions::new(dir));
});
