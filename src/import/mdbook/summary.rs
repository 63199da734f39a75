//! mdBook's `SUMMARY.md`: the book's chapters, their order and nesting, part titles,
//! separators and draft chapters, read with pulldown-cmark as mdBook reads it.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// A chapter: a link in `SUMMARY.md`, with the chapters nested under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// The link's text: the title mdBook shows in its sidebar.
    pub title: String,
    /// The chapter's file under the book's `src/` (decoded, without `./`); `None` for a draft
    /// (`[Title]()`).
    pub path: Option<String>,
    /// The line of `SUMMARY.md` naming it.
    pub line: usize,
    /// Nested chapters.
    pub children: Vec<Chapter>,
}

/// One entry at the top of `SUMMARY.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A numbered chapter (an entry of the list) and its nested chapters.
    Chapter(Chapter),
    /// A prefix or suffix chapter (a link outside the list), which belongs to no part.
    Affix(Chapter),
    /// A part title (`# Part I`): the chapters after it, up to the next part, belong to it.
    Part {
        /// The title.
        title: String,
        /// Its line.
        line: usize,
    },
    /// A separator (`---`), which only draws a line in mdBook's sidebar.
    Separator,
}

/// What `SUMMARY.md` says, and what in it was not understood (line, message).
#[derive(Debug, Default)]
pub struct Summary {
    /// The entries, in order.
    pub items: Vec<Item>,
    /// Lines that are not chapters, part titles or separators.
    pub problems: Vec<(usize, String)>,
}

fn normalise(dest: &str) -> String {
    let decoded = crate::markdown::links::percent_decode(dest);
    let mut path = decoded.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.to_string()
}

/// Reads `SUMMARY.md`.
pub fn parse(text: &str) -> Summary {
    let lines = crate::diagnostics::LineIndex::new(text);
    let mut summary = Summary::default();
    // Open lists, innermost last; each holds its chapters so far.
    let mut lists: Vec<Vec<Chapter>> = Vec::new();
    // Whether the innermost open list item already has its chapter.
    let mut item_has_chapter: Vec<bool> = Vec::new();
    let mut link: Option<(String, String, usize)> = None;
    let mut heading: Option<(String, usize)> = None;
    let mut seen_title = false;
    for (event, range) in Parser::new(text).into_offset_iter() {
        let line = lines.position(range.start).0;
        match event {
            Event::Start(Tag::List(_)) => lists.push(Vec::new()),
            Event::End(TagEnd::List(_)) => {
                let done = lists.pop().unwrap_or_default();
                match lists.last_mut() {
                    Some(parent) => match parent.last_mut() {
                        Some(chapter) if item_has_chapter.last().copied().unwrap_or(false) => {
                            chapter.children.extend(done)
                        }
                        _ => parent.extend(done),
                    },
                    None => summary.items.extend(done.into_iter().map(Item::Chapter)),
                }
            }
            Event::Start(Tag::Item) => item_has_chapter.push(false),
            Event::End(TagEnd::Item) => {
                let had_chapter = item_has_chapter.pop();
                if had_chapter == Some(false) {
                    summary
                        .problems
                        .push((line, "a list item without a link is not a chapter".into()));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => link = Some((dest_url.to_string(), String::new(), line)),
            Event::End(TagEnd::Link) => {
                let Some((dest, title, line)) = link.take() else {
                    continue;
                };
                seen_title = true;
                let chapter = Chapter {
                    title: title.trim().to_string(),
                    path: (!dest.trim().is_empty()).then(|| normalise(dest.trim())),
                    line,
                    children: Vec::new(),
                };
                match (lists.last_mut(), item_has_chapter.last_mut()) {
                    (Some(list), Some(has)) if !*has => {
                        list.push(chapter);
                        *has = true;
                    }
                    (Some(_), _) => summary.problems.push((
                        line,
                        format!("a second link in one list item (`{}`) is not a chapter", chapter.title),
                    )),
                    (None, _) => summary.items.push(Item::Affix(chapter)),
                }
            }
            Event::Start(Tag::Heading { .. }) => heading = Some((String::new(), line)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((title, line)) = heading.take() {
                    // The first heading, before any chapter, is the summary's own title.
                    if seen_title {
                        summary.items.push(Item::Part {
                            title: title.trim().to_string(),
                            line,
                        });
                    }
                    seen_title = true;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, title, _)) = link.as_mut() {
                    title.push_str(&t);
                } else if let Some((title, _)) = heading.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::Rule => summary.items.push(Item::Separator),
            _ => {}
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(title: &str, path: Option<&str>, line: usize, children: Vec<Chapter>) -> Chapter {
        Chapter {
            title: title.into(),
            path: path.map(str::to_string),
            line,
            children,
        }
    }

    #[test]
    fn reads_every_construct() {
        let text = "# Summary\n\n[Intro](./intro.md)\n\n# Part One\n\n- [A](a.md)\n  - [A 1](a/one%20x.md)\n    - [Deep](a/deep.md)\n- [Draft]()\n\n---\n\n# Part Two\n\n* [B](b/README.md)\n\n[Appendix](appendix.md)\n";
        let s = parse(text);
        assert_eq!(
            s.items,
            vec![
                Item::Affix(chapter("Intro", Some("intro.md"), 3, vec![])),
                Item::Part {
                    title: "Part One".into(),
                    line: 5
                },
                Item::Chapter(chapter(
                    "A",
                    Some("a.md"),
                    7,
                    vec![chapter(
                        "A 1",
                        Some("a/one x.md"),
                        8,
                        vec![chapter("Deep", Some("a/deep.md"), 9, vec![])]
                    )]
                )),
                Item::Chapter(chapter("Draft", None, 10, vec![])),
                Item::Separator,
                Item::Part {
                    title: "Part Two".into(),
                    line: 14
                },
                Item::Chapter(chapter("B", Some("b/README.md"), 16, vec![])),
                Item::Affix(chapter("Appendix", Some("appendix.md"), 18, vec![])),
            ]
        );
        assert!(s.problems.is_empty(), "{:?}", s.problems);
    }

    #[test]
    fn titles_keep_code_and_items_without_links_are_reported() {
        let s = parse("- [The `Box<T>` type](box.md)\n- Not a link\n");
        assert_eq!(
            s.items,
            vec![Item::Chapter(chapter("The Box<T> type", Some("box.md"), 1, vec![]))]
        );
        assert_eq!(
            s.problems,
            vec![(2, "a list item without a link is not a chapter".to_string())]
        );
    }
}
