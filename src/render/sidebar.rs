//! The sidebar: the root's entries and the open sections' entries, one shared value per
//! section (and per window of a long section).

use super::{Renderer, SIDEBAR_WINDOW};
use crate::content::{Child, PageId, SectionId};
use serde::Serialize;

/// An entry of the sidebar. Which entry is the current page is decided in the template
/// (`item.url == page.url`), so one sidebar serves every page of a section.
#[derive(Serialize)]
struct SidebarItem<'a> {
    title: &'a str,
    url: String,
    depth: usize,
    section: bool,
    open: bool,
}

/// The sidebar shared by the pages of one section (and one window of a long section).
#[derive(Serialize)]
struct Sidebar<'a> {
    items: Vec<SidebarItem<'a>>,
    more: Option<SidebarMore>,
}

/// "All N pages…" when a section is too long to list in full.
#[derive(Serialize)]
struct SidebarMore {
    url: String,
    count: usize,
    depth: usize,
}

impl<'a> Renderer<'a> {
    /// Which window of its section's pages the sidebar of `page` shows (0 for short sections).
    fn window_of(&self, page: Option<PageId>) -> (SectionId, usize) {
        let Some(p) = page else { return (0, 0) };
        let section = self.site.content.pages[p].section;
        (section, self.window[p])
    }

    /// The sidebar for `page` as a shared Tera value, built once per (section, window),
    /// with the hash of what it shows (part of the key of each page that shows it).
    pub(super) fn sidebar_value(&self, page: Option<PageId>) -> super::BuiltSidebar {
        let key = self.window_of(page);
        let cached = self.sidebars.lock().ok().and_then(|m| m.get(&key).cloned());
        if let Some(v) = cached {
            return v;
        }
        let sidebar = self.sidebar(key.0, key.1);
        let hash = crate::cache::value_hash(&sidebar, &[]);
        let value = (tera::Value::from_serializable(&sidebar), hash);
        if let Ok(mut m) = self.sidebars.lock() {
            m.insert(key, value.clone());
        }
        value
    }

    /// The root's entries, and the entries of each section down to `section`; a long
    /// section shows one window of `SIDEBAR_WINDOW` pages and a link to all of them.
    fn sidebar(&self, section: SectionId, window: usize) -> Sidebar<'a> {
        let content = &self.site.content;
        let open = content.ancestry(section);
        let mut items = Vec::new();
        let mut more = None;
        let home = content.sections[0].index;
        items.push(SidebarItem {
            title: content.pages[home].nav_title(),
            url: self.url(home),
            depth: 0,
            section: true,
            open: true,
        });
        self.sidebar_section(0, 1, &open, (section, window), &mut items, &mut more);
        Sidebar { items, more }
    }

    fn sidebar_section(
        &self,
        s: SectionId,
        depth: usize,
        open: &[SectionId],
        window: (SectionId, usize),
        items: &mut Vec<SidebarItem<'a>>,
        more: &mut Option<SidebarMore>,
    ) {
        let content = &self.site.content;
        let children = &content.sections[s].children;
        let pages_total = children.iter().filter(|c| matches!(c, Child::Page(_))).count();
        let (lo, hi) = if pages_total > SIDEBAR_WINDOW {
            let w = if window.0 == s { window.1 } else { 0 };
            *more = Some(SidebarMore {
                url: self.url(content.sections[s].index),
                count: pages_total,
                depth,
            });
            (w * SIDEBAR_WINDOW, (w + 1) * SIDEBAR_WINDOW)
        } else {
            (0, pages_total)
        };
        let mut page_no = 0;
        for c in children {
            match *c {
                Child::Page(p) => {
                    if (lo..hi).contains(&page_no) {
                        items.push(SidebarItem {
                            title: content.pages[p].nav_title(),
                            url: self.url(p),
                            depth,
                            section: false,
                            open: false,
                        });
                    }
                    page_no += 1;
                }
                Child::Section(sub) => {
                    let index = content.sections[sub].index;
                    let is_open = open.contains(&sub);
                    items.push(SidebarItem {
                        title: content.pages[index].nav_title(),
                        url: self.url(index),
                        depth,
                        section: true,
                        open: is_open,
                    });
                    if is_open {
                        self.sidebar_section(sub, depth + 1, open, window, items, more);
                    }
                }
            }
        }
    }
}
