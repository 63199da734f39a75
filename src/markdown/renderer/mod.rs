//! The one pass over a page's Markdown events: the [`Renderer`] and its event handling.
//! Headings (ids, permalinks, the table of contents) and glossary terms in running text
//! have files of their own.

mod headings;
mod terms;

use super::{
    AnchorCheck, Env, Rendered, TocEntry, admonition, escape, footnotes, highlight, include, links, math,
    parser_options, raw_html,
};
use crate::config::{LinkLevel, LinkPolicy};
use crate::content::Page;
use crate::diagnostics::{Diagnostic, LineIndex, Severity};
use crate::glossary::{TermId, TermUse};
use headings::explicit_heading_ids;
use links::Target;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd, TextMergeWithOffset, html};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// A heading being collected until its end, so its id and permalink can be written around it.
struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    events: Vec<Event<'a>>,
    text: String,
}

struct Renderer<'a, 'e> {
    env: &'e Env<'e>,
    page: &'e Page,
    /// The text being parsed (the page with its includes put in).
    text: &'a str,
    lines: LineIndex<'a>,
    /// Where the parsed text comes from, when includes changed it.
    map: Option<&'a include::SourceMap>,
    /// Events of a `[[x]]` kept as text (no glossary) still to drop, by link depth.
    literal_wiki: usize,
    /// The lines of the raw HTML block being read, with their offsets: scanned as one.
    html_block: Option<Vec<(CowStr<'a>, usize)>>,
    out: Vec<Event<'a>>,
    heading: Option<OpenHeading<'a>>,
    /// Open links, innermost last: `true` for a glossary wiki link (closed with raw HTML).
    links: Vec<bool>,
    /// Depth of images: their alt text gets no links.
    images: usize,
    /// Depth of `<a>` written as raw HTML: their text is a link already.
    raw_links: usize,
    /// A wiki link just opened: its text is the use to record.
    wiki_term: Option<TermId>,
    /// Plain text of the current block, for the sentences of term uses.
    block_text: String,
    /// Term uses in the current block: (term, start, end) in `block_text`.
    pending: Vec<(TermId, usize, usize)>,
    in_code: bool,
    /// The fenced block being collected (info string, text) until its end, to highlight it whole.
    code: Option<(String, String)>,
    in_first_paragraph: Option<bool>,
    first_paragraph: String,
    own_term: Option<TermId>,
    auto_link: bool,
    linked: &'e mut HashSet<TermId>,
    used: Vec<TermUse>,
    used_set: HashSet<TermId>,
    ids: HashSet<String>,
    /// For each automatic id's base, the next suffix to try, so `## Same` repeated n times
    /// costs O(n) rather than trying `same-1, same-2, …` from the start each time.
    next_suffix: HashMap<String, usize>,
    explicit_ids: HashSet<String>,
    footnotes: footnotes::Footnotes<'a>,
    toc: Vec<TocEntry>,
    anchor_checks: Vec<AnchorCheck>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// Renders `page`. `linked` holds the terms already linked earlier in the same scope (for the
/// `first-per-section` policy it is shared by a section's pages; otherwise it starts empty).
pub fn render(env: &Env, page: &Page, linked: &mut HashSet<TermId>) -> Rendered {
    let expanded = include::expand(&page.text, &page.file, &env.settings.root);
    let text = expanded.as_ref().map_or(page.text.as_str(), |e| e.text.as_str());
    let body_start = expanded
        .as_ref()
        .map_or(page.body_start, |e| e.map.to_output(page.body_start))
        .min(text.len());
    let body = &text[body_start..];
    let explicit_ids = if body.contains("{#") {
        explicit_heading_ids(body)
    } else {
        HashSet::new()
    };
    let own_term = env.glossary.by_page.get(&page.id).copied();
    let (footnotes, footnote_ids) = footnotes::Footnotes::scan(text, parser_options());
    let mut r = Renderer {
        env,
        page,
        text,
        lines: LineIndex::new(&page.text),
        map: expanded.as_ref().map(|e| &e.map),
        literal_wiki: 0,
        html_block: None,
        out: Vec::new(),
        heading: None,
        links: Vec::new(),
        images: 0,
        raw_links: 0,
        wiki_term: None,
        block_text: String::new(),
        pending: Vec::new(),
        in_code: false,
        code: None,
        in_first_paragraph: None,
        first_paragraph: String::new(),
        own_term,
        auto_link: env.policy != LinkPolicy::None && page.front.glossary != Some(false),
        linked,
        used: Vec::new(),
        used_set: HashSet::new(),
        ids: footnote_ids.into_iter().collect(),
        next_suffix: HashMap::new(),
        explicit_ids,
        footnotes,
        toc: Vec::new(),
        anchor_checks: Vec::new(),
        errors: expanded.as_ref().map_or_else(Vec::new, |e| e.errors.clone()),
        warnings: Vec::new(),
    };
    let skip = match (&page.title_heading, &expanded) {
        (Some(h), Some(e)) => e.map.to_output(h.start)..e.map.to_output(h.end),
        (Some(h), None) => h.clone(),
        (None, _) => 0..0,
    };
    // Ranges are shifted back to offsets in the whole file, which positions and the title
    // heading's range are measured in.
    let events = TextMergeWithOffset::new(
        Parser::new_ext(body, parser_options())
            .into_offset_iter()
            .map(|(e, r)| (e, r.start + body_start..r.end + body_start)),
    );
    let mut title_id = None;
    for (event, range) in events {
        if range.start >= skip.start && range.end <= skip.end && skip.end > skip.start {
            if let Event::Start(Tag::Heading { id, .. }) = &event {
                title_id = Some(r.title_id(id.as_deref(), &page.title));
            }
            continue;
        }
        r.event(event, range);
    }
    r.flush_sentences();
    let notes = std::mem::take(&mut r.footnotes).section();
    r.out.extend(notes);
    let mut html_out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html_out, r.out.into_iter());
    Rendered {
        html: html_out,
        toc: r.toc,
        ids: r.ids,
        anchor_checks: r.anchor_checks,
        term_uses: r.used,
        first_paragraph: r.first_paragraph.trim().to_string(),
        errors: r.errors,
        warnings: r.warnings,
        includes: expanded.as_ref().map(|e| e.files.clone()).unwrap_or_default(),
        included: expanded.map(|e| e.read).unwrap_or_default(),
        title_id,
    }
}

impl<'a> Renderer<'a, '_> {
    fn position(&self, offset: usize) -> (usize, usize) {
        self.lines.position(self.map.map_or(offset, |m| m.to_source(offset)))
    }

    /// A broken internal link: an error, or a warning under `[links] internal = "warn"`.
    fn link_error(&mut self, offset: usize, message: String, hint: &str) {
        let (line, column) = self.position(offset);
        let mut d = Diagnostic::error(&self.page.file, line, column, message).with_hint(hint);
        if self.env.settings.links == LinkLevel::Warn {
            d.severity = Severity::Warning;
            self.warnings.push(d);
        } else {
            self.errors.push(d);
        }
    }

    fn error(&mut self, offset: usize, message: String, hint: &str) {
        let (line, column) = self.position(offset);
        self.errors
            .push(Diagnostic::error(&self.page.file, line, column, message).with_hint(hint));
    }

    fn emit(&mut self, event: Event<'a>) {
        if let Some(note) = self.footnotes.collecting() {
            note.push(event);
            return;
        }
        match &mut self.heading {
            Some(h) => h.events.push(event),
            None => self.out.push(event),
        }
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        if self.literal_wiki > 0 {
            // Inside a `[[x]]` already written out as text.
            match event {
                Event::Start(Tag::Link { .. }) => self.literal_wiki += 1,
                Event::End(TagEnd::Link) => self.literal_wiki -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { .. },
                ..
            }) if !self.env.settings.glossary => {
                // No glossary: `[[x]]` is just text, as it is everywhere else.
                let written = self.text.get(range.clone()).unwrap_or_default().to_string();
                self.event(Event::Text(written.into()), range);
                self.literal_wiki = 1;
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.flush_sentences();
                self.heading = Some(OpenHeading {
                    level,
                    id,
                    classes,
                    attrs,
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.close_heading(range),
            Event::Start(Tag::Paragraph) => {
                if self.in_first_paragraph.is_none() {
                    self.in_first_paragraph = Some(true);
                }
                self.emit(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                if self.in_first_paragraph == Some(true) {
                    self.in_first_paragraph = Some(false);
                }
                self.flush_sentences();
                self.emit(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.in_code = true;
                let info = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.to_string(),
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                if let Some((info, code)) = self.code.take() {
                    let code = crate::markdown::hidelines::visible(&info, &code);
                    self.emit(Event::Html(highlight::render(&info, &code).into()));
                }
            }
            Event::Text(text) if self.code.is_some() => {
                if let Some((_, code)) = &mut self.code {
                    code.push_str(&text);
                }
            }
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { .. },
                dest_url,
                title,
                id,
            }) => match self.env.glossary.resolve(&dest_url) {
                Some(term) => {
                    let t = &self.env.glossary.terms[term];
                    let url = self.env.base.local(&self.env.content.pages[t.page].path);
                    let open = format!(
                        "<a class=\"term\" href=\"{}\" aria-describedby=\"{}\">",
                        escape(&url),
                        escape(&t.anchor)
                    );
                    self.links.push(true);
                    self.linked.insert(term);
                    self.wiki_term = Some(term);
                    self.emit(Event::InlineHtml(open.into()));
                }
                None => {
                    self.error(
                        range.start,
                        format!("`[[{dest_url}]]` names a glossary term that is not defined"),
                        "define the term in the glossary folder, fix the spelling (titles and aliases both work), or write `\\[\\[…]]` to show the brackets as text",
                    );
                    self.links.push(false);
                    self.emit(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url,
                        title,
                        id,
                    }));
                }
            },
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.links.push(false);
                // `<someone@example.com>`: the HTML writer adds `mailto:`; nothing to resolve.
                let dest_url = if link_type == LinkType::Email {
                    dest_url
                } else {
                    self.resolve(dest_url, range.start)
                };
                self.emit(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) => {
                if self.links.pop() == Some(true) {
                    self.emit(Event::InlineHtml("</a>".into()));
                } else {
                    self.emit(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.images += 1;
                let dest_url = self.resolve(dest_url, range.start);
                self.emit(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                self.images = self.images.saturating_sub(1);
                self.emit(Event::End(TagEnd::Image));
            }
            Event::Text(text) => {
                if let Some(h) = &mut self.heading {
                    h.text.push_str(&text);
                }
                if self.in_first_paragraph == Some(true) && self.images == 0 {
                    self.first_paragraph.push_str(&text);
                }
                if let Some(term) = self.wiki_term.take() {
                    let start = self.block_text.len();
                    self.pending.push((term, start, start + text.len()));
                }
                if self.images == 0 && !self.in_code {
                    self.block_text.push_str(&text);
                }
                if self.heading.is_none()
                    && self.links.is_empty()
                    && self.images == 0
                    && !self.in_code
                    && self.raw_links == 0
                {
                    self.link_terms(text);
                } else {
                    self.emit(Event::Text(text));
                }
            }
            Event::Code(code) => {
                if let Some(h) = &mut self.heading {
                    h.text.push_str(&code);
                }
                if self.in_first_paragraph == Some(true) && self.images == 0 {
                    self.first_paragraph.push_str(&code);
                }
                self.emit(Event::Code(code));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.flush_sentences();
                self.emit(Event::Html(admonition::open(kind).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.flush_sentences();
                self.emit(Event::Html(admonition::CLOSE.into()));
            }
            Event::SoftBreak | Event::HardBreak => {
                // A wrapped line is a space in the description, not glued words.
                if self.in_first_paragraph == Some(true) && self.images == 0 {
                    self.first_paragraph.push(' ');
                }
                self.emit(event);
            }
            Event::FootnoteReference(label) => match self.footnotes.reference(&label) {
                Some(html) => self.emit(Event::InlineHtml(html.into())),
                None => self.emit(Event::Text(format!("[^{label}]").into())),
            },
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.flush_sentences();
                self.footnotes.begin(&label);
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.flush_sentences();
                self.footnotes.end();
            }
            Event::InlineMath(tex) => {
                let html = self.math(&tex, false, range.start);
                self.emit(Event::InlineHtml(html.into()));
            }
            Event::DisplayMath(tex) => {
                let html = self.math(&tex, true, range.start);
                self.emit(Event::InlineHtml(html.into()));
            }
            Event::InlineHtml(html) => {
                let tag = html.trim_start().to_ascii_lowercase();
                if tag.starts_with("<a ") || tag == "<a>" {
                    self.raw_links += 1;
                } else if tag.starts_with("</a") {
                    self.raw_links = self.raw_links.saturating_sub(1);
                }
                let html = self.raw_html(html, &[range.start]);
                self.emit(Event::InlineHtml(html));
            }
            Event::Start(Tag::HtmlBlock) => {
                self.html_block = Some(Vec::new());
                self.emit(Event::Start(Tag::HtmlBlock));
            }
            Event::Html(html) if self.html_block.is_some() => {
                if let Some(lines) = &mut self.html_block {
                    lines.push((html, range.start));
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                let lines = self.html_block.take().unwrap_or_default();
                let starts: Vec<usize> = lines.iter().map(|(_, s)| *s).collect();
                let mut joined = String::new();
                let mut line_starts = Vec::with_capacity(lines.len());
                for (line, _) in &lines {
                    line_starts.push(joined.len());
                    joined.push_str(line);
                }
                // Offsets in the joined block map back line by line (a block in a list or
                // quote loses its indentation or `>` on each line).
                let html = self.raw_html_block(joined.into(), &line_starts, &starts);
                self.emit(Event::Html(html));
                self.emit(Event::End(TagEnd::HtmlBlock));
            }
            other => {
                if let Event::End(
                    TagEnd::Item
                    | TagEnd::TableCell
                    | TagEnd::BlockQuote(_)
                    | TagEnd::DefinitionListTitle
                    | TagEnd::DefinitionListDefinition
                    | TagEnd::FootnoteDefinition,
                ) = &other
                {
                    self.flush_sentences();
                }
                self.emit(other)
            }
        }
    }

    /// MathML for a formula; a LaTeX error is reported at the formula's position.
    fn math(&mut self, tex: &str, display: bool, offset: usize) -> String {
        match math::render(tex, display) {
            Ok(html) => html,
            Err(e) => {
                self.error(offset, e.message, &e.hint);
                String::new()
            }
        }
    }

    fn resolve(&mut self, dest: CowStr<'a>, offset: usize) -> CowStr<'a> {
        match links::resolve(&dest, self.page, self.env.content, self.env.base) {
            Ok(Target::Keep) => dest,
            Ok(Target::Url { url, check }) => {
                if let Some((target, anchor)) = check {
                    let (line, column) = self.position(offset);
                    self.anchor_checks.push(AnchorCheck {
                        target,
                        anchor,
                        line,
                        column,
                    });
                }
                url.into()
            }
            Err(e) => {
                self.link_error(offset, e.message, &e.hint);
                dest
            }
        }
    }

    /// Raw HTML written on one line at `starts[0]`: see [`Renderer::raw_html_block`].
    fn raw_html(&mut self, html: CowStr<'a>, starts: &[usize]) -> CowStr<'a> {
        self.raw_html_block(html, &[0], starts)
    }

    /// Records the anchors of raw HTML and resolves its links. `line_starts[i]` is where the
    /// i-th source piece begins in `html`, `starts[i]` where it is written in the page.
    fn raw_html_block(&mut self, html: CowStr<'a>, line_starts: &[usize], starts: &[usize]) -> CowStr<'a> {
        let scanned = raw_html::scan(&html, |url, offset| {
            let i = line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
            let at = starts.get(i).copied().unwrap_or(0) + offset - line_starts.get(i).copied().unwrap_or(0);
            self.resolve(CowStr::from(url.to_string()), at).to_string()
        });
        for id in scanned.ids {
            self.ids.insert(id);
        }
        scanned.html.map_or(html, CowStr::from)
    }
}
