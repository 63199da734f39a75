//! The bundled essay site: it builds, every sentence of the essay is in it, every link
//! resolves, and the glossary links and backlinks the essay's key terms.
//!
//! The essay's reference text is kept in `tests/essay/essay.txt`, so these tests pass on a
//! plain clone; when the project's `../shared/essay.txt` is beside the repository, the copy
//! must equal it.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The essay site built once for all tests here (it is read-only for them).
fn built() -> &'static BTreeMap<String, Vec<u8>> {
    static TREE: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    TREE.get_or_init(|| {
        let out = temp_dir("essay");
        build(&repo(), &out, &["--base-url", "https://example.github.io/quire/"]);
        read_tree(&out)
    })
}

fn html(path: &str) -> String {
    String::from_utf8(built().get(path).unwrap_or_else(|| panic!("{path} missing")).clone()).unwrap()
}

/// Folds typography that Markdown's smart punctuation changes, and white space.
fn normalise(s: &str) -> String {
    let s = s
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace('\u{2013}', "-");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The essay's reference text, as kept in the repository.
fn essay_text() -> String {
    std::fs::read_to_string(repo().join("tests/essay/essay.txt")).expect("tests/essay/essay.txt")
}

#[test]
fn the_kept_essay_text_equals_the_shared_one_when_it_is_there() {
    let shared = repo().join("../shared/essay.txt");
    match std::fs::read_to_string(&shared) {
        Ok(text) => assert!(
            text == essay_text(),
            "tests/essay/essay.txt differs from {}: copy it again",
            shared.display()
        ),
        Err(e) => eprintln!("skipped: {} is not readable ({e})", shared.display()),
    }
}

/// Splits the essay into sentences, mending the glued ones ("ignited.A variety") first.
fn essay_sentences() -> Vec<String> {
    let text = essay_text();
    let mut mended = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        mended.push(c);
        if matches!(c, '.' | '?' | '!') && chars.get(i + 1).is_some_and(|n| n.is_ascii_uppercase()) {
            mended.push('\n');
        }
    }
    let mut sentences = Vec::new();
    for line in mended.lines() {
        let line = line.trim();
        // "1. Why is…" question headings: the number is the essay's list marker, not a sentence.
        let line = line
            .split_once(". ")
            .filter(|(n, _)| n.parse::<u32>().is_ok())
            .map_or(line, |(_, rest)| rest);
        let mut current = String::new();
        let words: Vec<&str> = line.split(' ').collect();
        for (i, w) in words.iter().enumerate() {
            current.push_str(w);
            let ends = (w.ends_with('.') || w.ends_with('?') || w.ends_with('!')) && !matches!(*w, "U.S." | "e.g.");
            if ends || i + 1 == words.len() {
                if !current.trim().is_empty() {
                    sentences.push(current.trim().to_string());
                }
                current.clear();
            } else {
                current.push(' ');
            }
        }
    }
    sentences
}

#[test]
fn every_sentence_of_the_essay_is_in_the_site() {
    let sentences = essay_sentences();
    assert!(
        sentences.len() > 60,
        "the essay has many sentences, found {}",
        sentences.len()
    );
    let all: String = built()
        .iter()
        .filter(|(p, _)| p.ends_with(".html") && !p.starts_with("glossary/"))
        .map(|(_, b)| normalise(&visible_text(&String::from_utf8_lossy(b))))
        .collect::<Vec<_>>()
        .join(" ");
    let missing: Vec<&String> = sentences.iter().filter(|s| !all.contains(&normalise(s))).collect();
    assert!(
        missing.is_empty(),
        "{} sentences missing:\n{:#?}",
        missing.len(),
        missing
    );
}

#[test]
fn the_three_questions_are_pages_titled_with_the_question() {
    let titles: Vec<String> = built()
        .iter()
        .filter(|(p, _)| p.ends_with("index.html"))
        .filter_map(|(_, b)| {
            let h = String::from_utf8_lossy(b);
            let start = h.find("<h1>")? + 4;
            Some(visible_text(&h[start..start + h[start..].find("</h1>")?]))
        })
        .collect();
    for q in [
        "Why is the endgame of artificial intelligence and the metaverse different?",
        "Where is the core or key technology of the technological industry upgrade?",
        "What will be the journey of our country's technological development, and which tracks or listed companies will have opportunities?",
    ] {
        assert!(
            titles.iter().any(|t| normalise(t) == q),
            "no page titled {q:?}; titles: {titles:?}"
        );
    }
}

#[test]
fn every_link_and_anchor_resolves() {
    let broken = broken_links(built(), "/quire/", "https://example.github.io");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// Pages other than the glossary's, with their HTML.
fn essay_pages() -> Vec<(String, String)> {
    built()
        .iter()
        .filter(|(p, _)| p.ends_with("index.html") && !p.starts_with("glossary/"))
        .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
        .collect()
}

/// The HTML with every h2–h6 element removed: headings are never linked, so the
/// "first mention" that must be linked is the first one in running text.
fn without_headings(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = (2..=6).filter_map(|l| rest.find(&format!("<h{l}"))).min() {
        out.push_str(&rest[..start]);
        let level = &rest[start + 2..start + 3];
        let close = format!("</h{level}>");
        rest = rest[start..]
            .find(&close)
            .map_or("", |e| &rest[start + e + close.len()..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn first_mention_of_computing_power_on_each_page_links_to_compute() {
    let mut pages_with_mentions = 0;
    for (path, page) in essay_pages() {
        let content = without_headings(&page[page.find("<div class=\"content\">").unwrap_or(0)..]);
        let content = content.as_str();
        let lower = content.to_lowercase();
        let Some(first) = lower.find("computing power") else {
            continue;
        };
        pages_with_mentions += 1;
        let link_start = content[..first]
            .rfind("<a class=\"term\"")
            .unwrap_or_else(|| panic!("{path}: no term link before the first mention"));
        let link = &content[link_start..first];
        assert!(
            link.contains("href=\"/quire/glossary/compute/\""),
            "{path}: first mention links elsewhere: {link}"
        );
        assert!(
            !link.contains("</a>"),
            "{path}: the first mention itself is not the link"
        );
    }
    assert!(
        pages_with_mentions >= 2,
        "computing power is mentioned on the home page and on page 2"
    );
}

#[test]
fn cpo_and_domestic_substitution_have_term_pages_with_backlinks() {
    for (term, path) in [
        ("CPO", "glossary/cpo/index.html"),
        ("domestic substitution", "glossary/domestic-substitution/index.html"),
    ] {
        let page = html(path);
        assert!(page.contains("<dfn>"), "{term}: the term is in <dfn>");
        let backlinks = &page[page
            .find("class=\"backlinks\"")
            .unwrap_or_else(|| panic!("{term}: no backlinks"))..];
        let users: Vec<String> = essay_pages()
            .into_iter()
            .filter(|(_, h)| h.contains(&format!("href=\"/quire/{}\"", path.trim_end_matches("index.html"))))
            .map(|(p, _)| format!("/quire/{}", p.trim_end_matches("index.html")))
            .collect();
        assert!(!users.is_empty(), "{term} is linked from some essay page");
        for u in &users {
            assert!(
                backlinks.contains(&format!("href=\"{u}\"")),
                "{term}: backlink to {u} missing"
            );
        }
    }
}

#[test]
fn home_page_cards_are_headings_in_its_table_of_contents_and_next_does_not_repeat_them() {
    let home = html("index.html");
    let cards = &home[home
        .find("<section class=\"children\"")
        .expect("the home page has cards")..];
    let cards = &cards[..cards.find("</section>").unwrap()];
    assert!(cards.contains("<h2 id=\"section-contents\">Contents</h2>"), "{cards}");
    let toc = &home[home.find("<nav class=\"toc\"").expect("a table of contents")..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert!(toc.contains("href=\"#section-contents\""), "{toc}");
    let ids: Vec<&str> = cards
        .split("<h3 id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(ids.len(), 4, "one heading per card: {cards}");
    for id in ids {
        assert!(
            toc.contains(&format!("href=\"#{id}\"")),
            "card {id} is in the table of contents"
        );
    }
    // The first card is the next page in reading order: no pager repeats it (the <link> stays).
    assert!(!home.contains("class=\"pager\""), "no Next card on the home page");
    assert!(home.contains("<link rel=\"next\" href=\"/quire/ai-and-the-metaverse/\">"));
}

#[test]
fn chinese_aliases_carry_lang_and_the_footer_names_the_site() {
    let cpo = html("glossary/cpo/index.html");
    assert!(
        cpo.contains("<span class=\"alias\" lang=\"zh\">共封装光学</span>"),
        "zh alias"
    );
    assert!(
        cpo.contains("<span class=\"alias\">co-packaged optics</span>"),
        "no lang on English"
    );
    let footer = &cpo[cpo.find("<footer").unwrap()..];
    let footer = visible_text(&footer[..footer.find("</footer>").unwrap()]);
    assert_eq!(footer.trim(), "The core of the future · Built with Quire");
}

#[test]
fn the_404_page_lists_the_pages_in_its_own_text() {
    let page = html("404.html");
    let content = &page[page.find("<div class=\"content\">").unwrap()..];
    let content = &content[..content.find("</div>").unwrap()];
    assert!(!content.contains("from the list"), "{content}");
    for url in [
        "/quire/ai-and-the-metaverse/",
        "/quire/computing-power/",
        "/quire/glossary/",
    ] {
        assert!(content.contains(&format!("href=\"{url}\"")), "{url} in {content}");
    }
}
