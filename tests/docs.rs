//! The documentation fixture (`tests/fixtures/docs`): highlighted code in many languages,
//! admonitions, math, footnotes and descriptions, built whole and checked in the output.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The fixture is built once for every test here (highlighting makes a build take a moment).
fn site() -> &'static BTreeMap<String, Vec<u8>> {
    static TREE: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    TREE.get_or_init(|| {
        let root = fixture("docs");
        let out = root.join("out");
        build(&root, &out, &[]);
        read_tree(&out)
    })
}

fn page(path: &str) -> String {
    String::from_utf8(
        site()
            .get(path)
            .unwrap_or_else(|| panic!("no {path} in output"))
            .clone(),
    )
    .unwrap()
}

/// The `<pre>` blocks of a page, each as (language, inner HTML).
fn code_blocks(html: &str) -> Vec<(String, String)> {
    html.split("<div class=\"code-block\">")
        .skip(1)
        .map(|b| {
            let b = &b[..b.find("</pre>").unwrap()];
            let lang = b
                .split_once("class=\"language-")
                .map(|(_, r)| r[..r.find('"').unwrap()].to_string())
                .unwrap_or_default();
            (lang, b.to_string())
        })
        .collect()
}

#[test]
fn every_internal_link_asset_and_fragment_resolves() {
    let broken = broken_links(site(), "/docs/", "https://example.com");
    assert!(broken.is_empty(), "broken:\n{}", broken.join("\n"));
    for (path, bytes) in site().iter().filter(|(p, _)| p.ends_with(".html")) {
        let ids = attr_values(&String::from_utf8_lossy(bytes), "id");
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{path} repeats an id: {ids:?}");
    }
}

#[test]
fn code_is_highlighted_with_classes_in_every_language() {
    let html = page("code/index.html");
    let blocks = code_blocks(&html);
    let langs: Vec<&str> = blocks.iter().map(|(l, _)| l.as_str()).collect();
    for lang in [
        "rust",
        "toml",
        "yaml",
        "json",
        "sh",
        "console",
        "python",
        "javascript",
        "typescript",
        "html",
        "css",
        "c",
        "cpp",
        "go",
        "java",
        "sql",
        "diff",
        "markdown",
    ] {
        let (_, block) = blocks
            .iter()
            .find(|(l, _)| l == lang)
            .unwrap_or_else(|| panic!("no {lang} block in {langs:?}"));
        assert!(
            block.contains("<span class=\"hl-"),
            "{lang} is not highlighted:\n{block}"
        );
    }
    // Attributes of the info string never reach the class.
    for junk in ["ignore", "should_panic", "title=", "{.python}", "language-{"] {
        assert!(!html.contains(junk), "`{junk}` leaked into the HTML");
    }
    assert_eq!(langs.iter().filter(|l| **l == "rust").count(), 2);
    assert_eq!(langs.iter().filter(|l| **l == "python").count(), 2);
    // Distinct token kinds get distinct classes, never inline colours.
    let rust = &blocks[0].1;
    for class in ["hl-comment", "hl-keyword", "hl-function", "hl-number", "hl-string"] {
        assert!(rust.contains(&format!("class=\"{class}\"")), "no {class} in {rust}");
    }
    assert!(!html.contains("style=\"color"), "inline colours");
    // An unknown language and an indented block are escaped text in <pre><code>.
    let (_, klingon) = blocks.iter().find(|(l, _)| l == "klingon").unwrap();
    assert!(
        klingon.ends_with("<code class=\"language-klingon\">Qapla' &lt;&amp;&gt;\n</code>"),
        "{klingon}"
    );
    assert!(html.contains("<pre><code>an indented block\n</code></pre>"));
    // The code reads the same as written once the markup is gone.
    let text = visible_text(&blocks[0].1);
    assert!(
        text.contains("fn main() {\n    let answer: u32 = 42;\n    println!(\"{answer}\");\n}"),
        "{text}"
    );
}

#[test]
fn admonitions_have_a_text_label_and_a_role() {
    let html = page("admonitions/index.html");
    for (class, label) in [
        ("note", "Note"),
        ("tip", "Tip"),
        ("important", "Important"),
        ("warning", "Warning"),
        ("caution", "Caution"),
    ] {
        let open = format!(
            "<div class=\"admonition admonition-{class}\" role=\"note\">\n<p class=\"admonition-title\">{label}</p>"
        );
        assert!(html.contains(&open), "no {class} admonition in\n{html}");
    }
    assert!(!html.contains("[!NOTE]"), "the marker is not shown");
    assert!(html.contains("<blockquote>\n<p>An ordinary quote stays a quote.</p>"));
}

#[test]
fn math_is_mathml_and_dollars_in_text_stay_text() {
    let html = page("math/index.html");
    assert!(html.contains("<math display=\"inline\">"), "inline math");
    assert!(html.contains("<math display=\"block\">"), "display math");
    for element in ["<msup>", "<mfrac>", "<msqrt>", "<mi>π</mi>"] {
        assert!(html.contains(element), "no {element}");
    }
    assert!(html.contains("it costs $5 and $10, or $20 with the escape."));
    assert!(!html.contains("class=\"math"), "no TeX left for a script to render");
}

#[test]
fn footnotes_end_the_page_with_back_links_and_ids_apart_from_headings() {
    let html = page("footnotes/index.html");
    let content = &html[html.find("<div class=\"content\">").unwrap()..];
    let content = &content[..content.find("</article>").unwrap()];
    let section = content
        .find("<section class=\"footnotes\"")
        .expect("a footnotes section");
    let after = &content[content.find("</section>").unwrap() + "</section>".len()..];
    assert_eq!(after.trim(), "</div>", "the notes end the page's content");
    assert!(
        content.find("<h2 id=\"summary\"").unwrap() < section,
        "notes after the last heading"
    );
    // Numbered by first reference; both references to `summary` get a back-link.
    assert!(html.contains("<a href=\"#fn-summary\" id=\"fnref-summary\" role=\"doc-noteref\">1</a>"));
    assert!(html.contains("<a href=\"#fn-2\" id=\"fnref-2\" role=\"doc-noteref\">2</a>"));
    assert!(html.contains("<a href=\"#fn-summary\" id=\"fnref-summary-2\" role=\"doc-noteref\">1</a>"));
    assert!(html.contains("<li id=\"fn-summary\">"));
    assert!(html.contains("href=\"#fnref-summary\" class=\"footnote-backref\""));
    assert!(html.contains("href=\"#fnref-summary-2\" class=\"footnote-backref\""));
    assert!(html.contains("href=\"#fnref-2\" class=\"footnote-backref\""));
    assert!(html.find("<li id=\"fn-summary\">") < html.find("<li id=\"fn-2\">"));
    // The note's own link is rewritten like any other.
    assert!(html.contains("<a href=\"/docs/math/\">math</a>"));
    assert!(
        !html.contains("footnote-definition"),
        "no note left where it was written"
    );
}

#[test]
fn descriptions_keep_inline_code_and_the_spaces_of_wrapped_lines() {
    let html = page("guide/description/index.html");
    assert!(
        html.contains(
            "<meta name=\"description\" content=\"Boxes put data on the heap: call Box::new on the stack. What remains is a pointer.\">"
        ),
        "{}",
        html.lines().find(|l| l.contains("name=\"description\"")).unwrap_or("")
    );
}

#[test]
fn a_latex_error_fails_the_build_at_its_position() {
    let root = fixture("docs");
    std::fs::write(
        root.join("site/05-bad.md"),
        "# Bad\n\nText and $\\frac{1}{2$ and $\\nosuch$.\n",
    )
    .unwrap();
    let out = quire(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        root.join("out").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("site/05-bad.md:3:"), "{stderr}");
    assert!(stderr.contains("`\\nosuch` is not valid LaTeX"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
}
