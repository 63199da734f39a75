//! Unit tests of Markdown rendering: ids, TOC, links, glossary linking and its exclusions.

use super::*;
use crate::config::{GlossaryConfig, LinkPolicy};
use crate::content::{Content, LoadOptions};
use crate::glossary::Glossary;
use std::path::PathBuf;

/// A throw-away site: `files` are (path under site/, text).
fn site(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("quire-md-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let p = root.join("site").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    root
}

const TERMS: &[(&str, &str)] = &[
    ("glossary/_index.md", "---\ntitle: Glossary\n---\n"),
    (
        "glossary/compute.md",
        "---\ntitle: Compute\naliases: [computing power, 算力]\nsummary: s\n---\nCompute itself.\n",
    ),
    (
        "glossary/cpo.md",
        "---\ntitle: CPO\naliases: [co-packaged optics]\nsummary: s\n---\nCPO uses compute.\n",
    ),
    (
        "glossary/domestic-substitution.md",
        "---\ntitle: domestic substitution\nsummary: s\n---\nx\n",
    ),
    (
        "glossary/substitution.md",
        "---\ntitle: substitution\nsummary: s\n---\nx\n",
    ),
];

fn render_with(name: &str, page_text: &str, policy: LinkPolicy) -> (Rendered, Content) {
    let mut files = vec![
        ("_index.md", "home"),
        ("a.md", page_text),
        ("b.md", "## B head\n\n## Second\n"),
    ];
    files.extend_from_slice(TERMS);
    let root = site(name, &files);
    let content = Content::load(&root, LoadOptions::default()).unwrap();
    let (glossary, errors, _) = Glossary::build(&content, &GlossaryConfig::default());
    assert!(errors.is_empty(), "{errors:?}");
    let base = BaseUrl::parse("/docs/").unwrap();
    let env = Env {
        content: &content,
        base: &base,
        glossary: &glossary,
        policy,
        settings: &Settings {
            root: root.clone(),
            glossary: true,
            ..Settings::default()
        },
    };
    let page = &content.pages[content.by_source["a.md"]];
    let r = render(&env, page, &mut HashSet::new());
    (r, content)
}

fn render_page(name: &str, text: &str) -> Rendered {
    render_with(name, text, LinkPolicy::First).0
}

fn term_links(html: &str) -> Vec<String> {
    html.split("<a class=\"term\"")
        .skip(1)
        .map(|s| {
            let text = &s[s.find('>').unwrap() + 1..];
            text[..text.find("</a>").unwrap()].to_string()
        })
        .collect()
}

#[test]
fn headings_get_unique_ids_permalinks_and_toc() {
    let r = render_page("ids", "## Intro\n\n### Part {#custom}\n\n## Intro\n\n#### Deep\n");
    assert!(
        r.html
            .contains("<h2 id=\"intro\">Intro<a class=\"anchor\" href=\"#intro\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("<h2 id=\"intro-1\">"), "{}", r.html);
    assert!(r.html.contains("<h3 id=\"custom\">"), "{}", r.html);
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].children[0].id, "custom");
    assert!(r.ids.contains("deep"), "h4 has an id but is not in the TOC");
}

#[test]
fn explicit_ids_are_reserved_before_automatic_ones() {
    let r = render_page("reserve", "## Setup\n\n## Other {#setup}\n");
    assert!(r.html.contains("<h2 id=\"setup-1\">Setup"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"setup\">Other"), "{}", r.html);
}

#[test]
fn links_to_source_files_become_urls_and_anchors_are_recorded() {
    let (r, content) = render_with(
        "links",
        "[b](b.md#second) [home](_index.md) [ext](https://x.org/a.md)",
        LinkPolicy::First,
    );
    assert!(r.html.contains("href=\"/docs/b/#second\""), "{}", r.html);
    assert!(r.html.contains("href=\"/docs/\""), "{}", r.html);
    assert!(r.html.contains("href=\"https://x.org/a.md\""));
    assert_eq!(r.anchor_checks.len(), 1);
    assert_eq!(r.anchor_checks[0].target, content.by_source["b.md"]);
    assert_eq!(r.anchor_checks[0].anchor, "second");
    assert!(r.errors.is_empty());
}

#[test]
fn email_autolinks_are_mail_links_not_files() {
    let r = render_page("email", "Write to <someone@example.com>.\n");
    assert!(r.html.contains("href=\"mailto:someone@example.com\""), "{}", r.html);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

#[test]
fn a_title_heading_keeps_its_id_for_the_h1() {
    let r = render_page("title-id", "# Getting Started\n\n## Getting Started\n");
    assert_eq!(r.title_id.as_deref(), Some("getting-started"));
    assert!(r.html.contains("<h2 id=\"getting-started-1\">"), "{}", r.html);
    assert!(r.ids.contains("getting-started"));
    let explicit = render_page("title-id-explicit", "# Start {#begin}\n\nText.\n");
    assert_eq!(explicit.title_id.as_deref(), Some("begin"));
}

#[test]
fn missing_link_target_is_an_error_with_position() {
    let r = render_page("missing", "line one\n\nsee [gone](nope.md) here\n");
    assert_eq!(r.errors.len(), 1);
    let e = &r.errors[0];
    assert_eq!((e.line, e.column), (3, 5), "{e}");
    assert!(e.message.contains("nope.md"));
}

#[test]
fn glossary_links_first_use_per_page_longest_match() {
    let r = render_page(
        "gl-first",
        "Computing power and compute; the domestic substitution market. compute again.",
    );
    assert_eq!(term_links(&r.html), vec!["Computing power", "domestic substitution"]);
    assert_eq!(r.term_uses.len(), 2);
    assert_eq!(
        r.term_uses[0].sentence,
        "Computing power and compute; the domestic substitution market."
    );
}

#[test]
fn policy_all_and_none() {
    let (all, _) = render_with("gl-all", "compute, compute and CPOs", LinkPolicy::All);
    assert_eq!(term_links(&all.html), vec!["compute", "compute", "CPOs"]);
    let (none, _) = render_with("gl-none", "compute and [[CPO]]", LinkPolicy::None);
    assert_eq!(
        term_links(&none.html),
        vec!["CPO"],
        "explicit links stay under policy none"
    );
    assert_eq!(
        none.term_uses.len(),
        2,
        "uses are recorded for backlinks even when not linked"
    );
}

#[test]
fn page_can_turn_glossary_off() {
    let r = render_page("gl-off", "---\nglossary: false\n---\ncompute here\n");
    assert!(term_links(&r.html).is_empty());
}

#[test]
fn no_glossary_links_in_excluded_contexts() {
    let text = "## compute heading\n\n`compute` code\n\n```\ncompute block\n```\n\n[compute link](b.md)\n\n![compute alt](b.md)\n\n<a href=\"https://x.org\">compute</a>\n";
    let r = render_page("gl-excluded", text);
    assert!(term_links(&r.html).is_empty(), "{}", r.html);
}

#[test]
fn wiki_links_resolve_by_title_or_alias_and_unknown_is_an_error() {
    let r = render_page("wiki", "See [[co-packaged optics|CPO]] and [[Nothing here]].\n");
    assert!(
        r.html
            .contains("<a class=\"term\" href=\"/docs/glossary/cpo/\" aria-describedby=\"term-cpo\">CPO</a>"),
        "{}",
        r.html
    );
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].message.contains("Nothing here"));
    assert_eq!((r.errors[0].line, r.errors[0].column), (1, 36), "{}", r.errors[0]);
}

#[test]
fn cjk_alias_is_linked_inside_running_text() {
    let r = render_page("cjk", "未来的核心是算力基础设施。\n");
    assert_eq!(term_links(&r.html), vec!["算力"]);
}

#[test]
fn term_page_does_not_link_itself() {
    let mut files = vec![("_index.md", "home")];
    files.extend_from_slice(TERMS);
    let root = site("self", &files);
    let content = Content::load(&root, LoadOptions::default()).unwrap();
    let (glossary, _, _) = Glossary::build(&content, &GlossaryConfig::default());
    let base = BaseUrl::parse("/").unwrap();
    let env = Env {
        content: &content,
        base: &base,
        glossary: &glossary,
        policy: LinkPolicy::First,
        settings: &Settings {
            root: root.clone(),
            glossary: true,
            ..Settings::default()
        },
    };
    let cpo = &content.pages[content.by_source["glossary/cpo.md"]];
    let r = render(&env, cpo, &mut HashSet::new());
    assert_eq!(
        term_links(&r.html),
        vec!["compute"],
        "CPO is not linked on its own page"
    );
}

#[test]
fn first_paragraph_is_plain_text() {
    let r = render_page("para", "Some *emphasis* and [a link](b.md).\n\nSecond.\n");
    assert_eq!(r.first_paragraph, "Some emphasis and a link.");
}

#[test]
fn an_explicit_theme_id_is_an_error() {
    let r = render_page("theme-id", "## Main {#content}\n\n## Content\n");
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors[0].message.contains("`content` is one the theme"),
        "{}",
        r.errors[0].message
    );
    assert!(r.html.contains("id=\"content-1\""), "{}", r.html);
}

#[test]
fn repeated_headings_count_on_and_skip_explicit_and_earlier_ids() {
    let r = render_page(
        "repeat",
        "## Same\n\n## Same\n\n## Same 1\n\n## Same\n\n## Same\n\n## Later {#same-3}\n",
    );
    let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["same", "same-1", "same-1-1", "same-2", "same-4", "same-3"]);
}

#[test]
fn thousands_of_repeated_headings_get_consecutive_ids() {
    // The time this takes is measured by `cargo bench --bench build` (headings case).
    let text = "## Same\n\n".repeat(5_000);
    let r = render_page("many", &text);
    assert_eq!(r.ids.len(), 5_000);
    assert!(r.ids.contains("same-4999"));
}

#[test]
fn a_dashed_block_in_the_body_is_rendered() {
    let r = render_page("body-block", "Intro.\n\n---\ntitle: shown\n---\n\nAfter.\n");
    assert!(r.html.contains("<hr />"), "{}", r.html);
    assert!(r.html.contains("title: shown"), "{}", r.html);
}
