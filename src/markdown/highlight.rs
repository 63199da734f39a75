//! Syntax highlighting of fenced code blocks at build time.
//!
//! Tokens get CSS classes (`hl-keyword`, `hl-string`, …), never inline colours, so the
//! theme's light and dark palettes both apply and no JavaScript runs in the reader's
//! browser. The grammars are Sublime Text syntaxes (syntect, with the larger set `bat`
//! curates through two-face, which adds TOML, TypeScript and others), parsed with a
//! pure-Rust regex engine.

use super::escape;
use std::sync::LazyLock;
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Loaded once per process: deserialising the grammars takes tens of milliseconds.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// Scope prefixes and the class their tokens get. The innermost scope of a token that
/// matches one of them decides; more specific prefixes come first.
const CLASSES: &[(&str, &str)] = &[
    ("comment", "hl-comment"),
    ("constant.character.escape", "hl-escape"),
    ("string", "hl-string"),
    ("markup.raw", "hl-string"),
    ("constant.numeric", "hl-number"),
    ("keyword.other.unit", "hl-number"),
    ("keyword.operator", "hl-operator"),
    ("keyword", "hl-keyword"),
    ("storage", "hl-keyword"),
    ("variable.language", "hl-constant"),
    ("constant", "hl-constant"),
    ("support.constant", "hl-constant"),
    ("entity.name.function", "hl-function"),
    ("support.function", "hl-function"),
    ("variable.function", "hl-function"),
    ("entity.name.tag", "hl-tag"),
    ("entity.other.attribute-name", "hl-attr"),
    ("support.type.property-name", "hl-attr"),
    ("entity.name.section", "hl-heading"),
    ("markup.heading", "hl-heading"),
    ("entity.name", "hl-type"),
    ("support.type", "hl-type"),
    ("support.class", "hl-type"),
    ("entity.other.inherited-class", "hl-type"),
    ("variable.parameter", "hl-variable"),
    ("markup.inserted", "hl-inserted"),
    ("markup.deleted", "hl-deleted"),
    ("meta.diff.range", "hl-meta"),
    ("meta.diff.header", "hl-meta"),
    ("markup.bold", "hl-strong"),
    ("markup.italic", "hl-emphasis"),
    ("markup.underline.link", "hl-link"),
    ("meta.preprocessor", "hl-meta"),
    ("meta.annotation", "hl-meta"),
    ("punctuation.definition.annotation", "hl-meta"),
];

static SELECTORS: LazyLock<Vec<(Scope, &'static str)>> = LazyLock::new(|| {
    CLASSES
        .iter()
        .filter_map(|(prefix, class)| Scope::new(prefix).ok().map(|s| (s, *class)))
        .collect()
});

/// What a fence's info string says: the language, and the attributes that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The language token, lowercased (empty when none is given).
    pub lang: String,
}

/// Reads `rust,ignore`, `rust should_panic`, `{.python}`, `{.python .numberLines}` and
/// `python title="x"`: the language is the first word; everything else is dropped.
pub fn parse_info(info: &str) -> Info {
    let info = info.trim();
    let lang = if let Some(inner) = info.strip_prefix('{') {
        let inner = inner.split('}').next().unwrap_or("");
        inner.split_whitespace().find_map(|w| w.strip_prefix('.')).unwrap_or("")
    } else {
        info.split(|c: char| c == ',' || c == '{' || c.is_whitespace())
            .next()
            .unwrap_or("")
    };
    Info {
        lang: lang.trim_start_matches('.').to_ascii_lowercase(),
    }
}

/// Names documentation uses that the grammars do not know under that name.
fn alias(lang: &str) -> &str {
    match lang {
        "console" | "shell" | "shell-session" | "shellsession" | "zsh" | "sh-session" => "bash",
        "c++" | "cxx" => "cpp",
        "golang" => "go",
        "ts" => "typescript",
        "jsonc" | "json5" => "json",
        "py3" | "python3" => "python",
        "yml" => "yaml",
        "patch" => "diff",
        "htm" | "xhtml" => "html",
        other => other,
    }
}

/// The grammar for a language token, if one is known.
fn syntax(lang: &str) -> Option<&'static SyntaxReference> {
    if lang.is_empty() {
        return None;
    }
    let ss = &*SYNTAXES;
    ss.find_syntax_by_token(alias(lang))
}

/// Whether `lang` is highlighted (tests and the README's list use this).
pub fn is_known(lang: &str) -> bool {
    syntax(&parse_info(lang).lang).is_some()
}

/// The class of the innermost scope of `stack` that has one, or `""`.
fn class_of(stack: &ScopeStack) -> &'static str {
    for scope in stack.as_slice().iter().rev() {
        for (prefix, class) in SELECTORS.iter() {
            if prefix.is_prefix_of(*scope) {
                return class;
            }
        }
    }
    ""
}

/// Appends `text` with `class` to `out`, merging with the previous span when it has the same class.
struct Spans {
    out: String,
    open: &'static str,
}

impl Spans {
    fn push(&mut self, class: &'static str, text: &str) {
        if text.is_empty() {
            return;
        }
        // Whitespace takes whatever span is open, so fewer spans are written.
        let class = if text.trim().is_empty() { self.open } else { class };
        if class != self.open {
            if !self.open.is_empty() {
                self.out.push_str("</span>");
            }
            if !class.is_empty() {
                self.out.push_str("<span class=\"");
                self.out.push_str(class);
                self.out.push_str("\">");
            }
            self.open = class;
        }
        pulldown_cmark_escape::escape_html_body_text(&mut self.out, text).ok();
    }

    fn finish(mut self) -> String {
        if !self.open.is_empty() {
            self.out.push_str("</span>");
        }
        self.out
    }
}

/// The inside of `<code>` for `code` in `syntax`; `None` if the grammar fails on it.
fn highlight(code: &str, syntax: &SyntaxReference) -> Option<String> {
    let ss = &*SYNTAXES;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut spans = Spans {
        out: String::with_capacity(code.len() * 2),
        open: "",
    };
    for line in LinesWithEndings::from(code) {
        let ops = state.parse_line(line, ss).ok()?;
        let mut at = 0;
        let mut class = class_of(&stack);
        for (pos, op) in ops {
            let pos = pos.min(line.len());
            if pos > at {
                spans.push(class, &line[at..pos]);
                at = pos;
            }
            stack.apply(&op).ok()?;
            class = class_of(&stack);
        }
        spans.push(class, &line[at..]);
    }
    Some(spans.finish())
}

/// The HTML of a fenced code block: `<pre>` with the language's class and highlighted
/// tokens; an unknown or missing language gives the escaped text.
pub fn render(info: &str, code: &str) -> String {
    let Info { lang } = parse_info(info);
    let body = syntax(&lang).and_then(|s| highlight(code, s));
    let mut html = String::with_capacity(code.len() * 2 + 80);
    html.push_str("<div class=\"code-block\"><pre");
    if !lang.is_empty() {
        html.push_str(" data-lang=\"");
        html.push_str(&escape(&lang));
        html.push('"');
    }
    html.push_str("><code");
    if !lang.is_empty() {
        html.push_str(" class=\"language-");
        html.push_str(&escape(&lang));
        html.push('"');
    }
    html.push('>');
    match body {
        Some(b) => html.push_str(&b),
        None => {
            pulldown_cmark_escape::escape_html_body_text(&mut html, code).ok();
        }
    }
    html.push_str("</code></pre></div>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_strings_give_the_language_only() {
        assert_eq!(parse_info("rust,ignore").lang, "rust");
        assert_eq!(parse_info("rust,should_panic").lang, "rust");
        assert_eq!(parse_info("{.python}").lang, "python");
        assert_eq!(parse_info("{.python .numberLines}").lang, "python");
        assert_eq!(parse_info("python title=\"x\"").lang, "python");
        assert_eq!(parse_info("Rust").lang, "rust");
        assert_eq!(parse_info("").lang, "");
    }

    #[test]
    fn documentation_languages_are_known() {
        for lang in [
            "rust",
            "toml",
            "yaml",
            "yml",
            "json",
            "sh",
            "bash",
            "console",
            "python",
            "javascript",
            "js",
            "typescript",
            "ts",
            "html",
            "css",
            "c",
            "cpp",
            "c++",
            "go",
            "java",
            "sql",
            "diff",
            "markdown",
            "md",
        ] {
            assert!(is_known(lang), "{lang} is not highlighted");
        }
        assert!(!is_known("no-such-language"));
    }

    #[test]
    fn tokens_get_classes_not_colours() {
        let html = render("rust,ignore", "// hi\nfn main() { let s = \"x\"; }\n");
        assert!(html.contains("class=\"language-rust\""), "{html}");
        assert!(!html.contains("ignore"), "{html}");
        assert!(html.contains("<span class=\"hl-comment\">// hi"), "{html}");
        assert!(html.contains("<span class=\"hl-keyword\">fn"), "{html}");
        assert!(html.contains("<span class=\"hl-function\">main</span>"), "{html}");
        assert!(
            html.contains("<span class=\"hl-string\">&quot;x&quot;</span>")
                || html.contains("<span class=\"hl-string\">\"x\"</span>"),
            "{html}"
        );
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unknown_languages_are_escaped_text() {
        let html = render("klingon", "<b>&</b>\n");
        assert!(
            html.contains("<code class=\"language-klingon\">&lt;b&gt;&amp;&lt;/b&gt;\n</code>"),
            "{html}"
        );
        assert!(!html.contains("<span"), "{html}");
    }

    #[test]
    fn text_survives_highlighting_unchanged() {
        let code = "SELECT a < b FROM t; -- note\n";
        let html = render("sql", code);
        let text: String = strip_tags(html.trim_end());
        assert_eq!(text, "SELECT a &lt; b FROM t; -- note\n");
    }

    fn strip_tags(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    }
}
