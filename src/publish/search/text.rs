//! The text Pagefind stores for a page, read from its rendered HTML as a reader reads it.
//!
//! Search excerpts are cut from this text, so it must not add what the page does not show:
//! inline elements (links, emphasis, code) join their neighbours without a space, and block
//! elements (headings, paragraphs, list items, cells) end in a sentence break so a heading
//! never runs into the paragraph under it. Pagefind's own HTML parser does the same.

/// Elements that end a run of text: after one, the next text starts a new sentence.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content is not text a reader sees.
const HIDDEN: &[&str] = &["script", "style", "template"];

/// The text of an HTML fragment: tags dropped, block elements ended with a sentence break,
/// inline elements joined as written, entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_text(&mut out, &rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            // A lone "<" is text, not a tag.
            push_text(&mut out, &rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open..open + close + 1];
        rest = &rest[open + close + 1..];
        let name = tag_name(tag);
        // The permalink "#" after each heading is not text.
        if name == "a" && tag.contains("class=\"anchor\"") {
            rest = rest.find("</a>").map_or("", |i| &rest[i + 4..]);
        } else if HIDDEN.contains(&name.as_str()) && !tag.starts_with("</") {
            let end = format!("</{name}");
            rest = rest.find(&end).map_or("", |i| &rest[i..]);
        } else if name == "br" {
            out.push(' ');
        } else if BLOCKS.contains(&name.as_str()) {
            end_sentence(&mut out);
        }
    }
    push_text(&mut out, rest);
    collapse_whitespace(&out)
}

/// The lower-cased element name of a tag such as `<p class="x">`, `</P>` or `<br/>`.
fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('<')
        .trim_start_matches('/')
        .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn push_text(out: &mut String, text: &str) {
    if text.contains('&') {
        out.push_str(&html_escape::decode_html_entities(text));
    } else {
        out.push_str(text);
    }
}

/// Ends the text so far with a full stop (unless it already ends in punctuation) and a
/// space, as Pagefind does between block elements.
fn end_sentence(out: &mut String) {
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if out
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '\'' | '"' | ')' | '$' | '*'))
    {
        out.push('.');
    }
    if !out.is_empty() {
        out.push(' ');
    }
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn linked_words_keep_their_punctuation() {
        let html = "<p>the <a class=\"term\" href=\"/m/\">metaverse</a>, which needs \
                    <a href=\"/g/\">GPUs</a>, and <em>more</em>.</p>";
        assert_eq!(plain_text(html), "the metaverse, which needs GPUs, and more.");
    }

    #[test]
    fn headings_end_in_a_sentence_break() {
        let html = "<h2 id=\"a\">The metaverse<a class=\"anchor\" href=\"#a\">#</a></h2>\n\
                    <p>The last round</p>";
        assert_eq!(plain_text(html), "The metaverse. The last round.");
    }

    #[test]
    fn blocks_ending_in_punctuation_get_no_extra_stop() {
        let html = "<h2>Why?</h2><p>Because.</p><ul><li>one</li><li>two:</li></ul>";
        assert_eq!(plain_text(html), "Why? Because. one. two:");
    }

    #[test]
    fn words_inside_a_word_stay_joined() {
        let html = "<p>co<strong>packaged</strong> <code>x</code>y H<sub>2</sub>O</p>";
        assert_eq!(plain_text(html), "copackaged xy H2O.");
    }

    #[test]
    fn tables_cells_and_breaks_are_separated() {
        let html = "<table><tr><th>Name</th><th>Size</th></tr><tr><td>a</td><td>1</td></tr></table>\
                    <p>line<br>next</p>";
        assert_eq!(plain_text(html), "Name. Size. a. 1. line next.");
    }

    #[test]
    fn entities_are_decoded_after_tags_are_dropped() {
        let html = "<p>One &amp; two &lt;b&gt; &quot;q&quot; &#39;s&#39; &#x4E2D;&nbsp;x</p>";
        assert_eq!(plain_text(html), "One & two <b> \"q\" 's' 中 x.");
    }

    #[test]
    fn scripts_and_styles_are_not_text() {
        let html = "<p>a</p><script>var x = 1;</script><style>p{}</style><p>b</p>";
        assert_eq!(plain_text(html), "a. b.");
    }

    #[test]
    fn cjk_text_is_kept_as_written() {
        let html = "<p>其背后的根本是<a class=\"term\" href=\"/t/\">算力</a>。</p><h2>下一节</h2>";
        assert_eq!(plain_text(html), "其背后的根本是算力。 下一节.");
    }
}
