//! Folder pages: which Markdown file stands for a folder at the folder's own URL.
//!
//! `_index.md` makes a folder a section (Zola's and Hugo's branch bundle). `index.md`, or
//! `README.md` as mdBook and GitHub write it, makes the folder a page: a *leaf bundle*
//! (Hugo's term) when nothing but assets sits beside and under it, so `dir/index.md` is
//! `/dir/` and `dir/screenshot.png` is `/dir/screenshot.png`. When other pages share its
//! folder (mdBook's chapter with sub-chapters) it is that folder's section index, exactly as
//! an `_index.md` would be; at the root it is the home page. Two of these files in one folder
//! would claim one URL, so that is an error naming both.

use super::{CONTENT_DIR, SECTION_INDEX, parent_dir};
use crate::diagnostics::Diagnostic;
use std::collections::{BTreeMap, HashMap};

/// The files that stand for their folder, in the order one wins over another.
pub const FOLDER_PAGES: [&str; 3] = [SECTION_INDEX, "index.md", "README.md"];

/// The file name of a content path: `a/b.md` → `b.md`.
pub fn file_name(source: &str) -> &str {
    source.rsplit('/').next().unwrap_or(source)
}

/// Whether a file of this name stands for its folder (`_index.md`, `index.md`, `README.md`).
pub fn is_folder_page(source: &str) -> bool {
    FOLDER_PAGES.contains(&file_name(source))
}

/// Whether this file may stand for its folder: a folder page's name, outside the glossary
/// folder (whose files are terms) unless it is the glossary's `_index.md`.
pub fn may_stand_for_folder(source: &str, glossary: Option<&str>) -> bool {
    is_folder_page(source) && (file_name(source) == SECTION_INDEX || Some(parent_dir(source)) != glossary)
}

/// What each folder's own page is, by the position of its file in the loaded list.
#[derive(Debug, Default)]
pub struct Folders {
    /// Folders that are sections, with their index page; `""` is the root.
    pub sections: BTreeMap<String, usize>,
    /// Folders that are leaf bundles, with their page.
    pub bundles: HashMap<String, usize>,
}

impl Folders {
    /// The page that stands for `dir`, section index or bundle.
    pub fn page(&self, dir: &str) -> Option<usize> {
        self.sections.get(dir).or_else(|| self.bundles.get(dir)).copied()
    }
}

/// Decides every folder's page from the loaded files' content paths (sorted, drafts removed).
/// A folder with two candidates keeps the first of [`FOLDER_PAGES`] and reports the other,
/// which then stays an ordinary page so the rest of the build goes on. In the `glossary`
/// folder only `_index.md` counts: its other files are terms, whatever their names.
pub fn classify(sources: &[&str], glossary: Option<&str>, errors: &mut Vec<Diagnostic>) -> Folders {
    let mut candidates: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, source) in sources.iter().enumerate() {
        if may_stand_for_folder(source, glossary) {
            candidates.entry(parent_dir(source)).or_default().push(i);
        }
    }
    // Folders holding a page other than their own: these are sections, not leaves.
    let mut has_pages: HashMap<&str, bool> = HashMap::new();
    for source in sources {
        let own = is_folder_page(source);
        let mut dir = parent_dir(source);
        if !own {
            has_pages.insert(dir, true);
        }
        // Every enclosing folder holds this page too (own pages count for their ancestors).
        while !dir.is_empty() {
            dir = parent_dir(dir);
            has_pages.insert(dir, true);
        }
    }
    let mut folders = Folders::default();
    for (dir, mut files) in candidates {
        files.sort_by_key(|&i| FOLDER_PAGES.iter().position(|n| *n == file_name(sources[i])));
        let winner = files[0];
        for &other in &files[1..] {
            errors.push(conflict(sources[winner], sources[other]));
        }
        let is_section = file_name(sources[winner]) == SECTION_INDEX
            || dir.is_empty()
            || has_pages.get(dir).copied().unwrap_or(false);
        if is_section {
            folders.sections.insert(dir.to_string(), winner);
        } else {
            folders.bundles.insert(dir.to_string(), winner);
        }
    }
    folders
}

/// The error for two files that both stand for one folder.
fn conflict(kept: &str, other: &str) -> Diagnostic {
    let hint = if file_name(kept) == SECTION_INDEX {
        format!(
            "`{SECTION_INDEX}` makes the folder a section and `{}` makes it a page at the same URL: keep one, or rename `{}` to make it a page of the section",
            file_name(other),
            file_name(other)
        )
    } else {
        format!(
            "both would be the folder's page: keep one, or rename `{}` to make it a page of its own",
            file_name(other)
        )
    };
    Diagnostic::error(
        format!("{CONTENT_DIR}/{other}"),
        0,
        0,
        format!(
            "`{CONTENT_DIR}/{other}` and `{CONTENT_DIR}/{kept}` both stand for the folder `{CONTENT_DIR}/{}`",
            parent_dir(other)
        ),
    )
    .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders(sources: &[&str]) -> (Folders, Vec<Diagnostic>) {
        let mut errors = Vec::new();
        (classify(sources, Some("glossary"), &mut errors), errors)
    }

    #[test]
    fn index_alone_with_assets_is_a_leaf_bundle() {
        let (f, errors) = folders(&["_index.md", "shot/index.md", "tour/README.md"]);
        assert!(errors.is_empty());
        assert_eq!(f.bundles.get("shot"), Some(&1));
        assert_eq!(f.bundles.get("tour"), Some(&2));
        assert_eq!(f.sections.keys().collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn index_beside_other_pages_is_a_section_index() {
        let (f, _) = folders(&["README.md", "ch1/README.md", "ch1/a.md", "ch2/index.md", "ch2/sub/b.md"]);
        assert_eq!(f.sections.get(""), Some(&0), "README.md at the root is the home page");
        assert_eq!(f.sections.get("ch1"), Some(&1));
        assert_eq!(f.sections.get("ch2"), Some(&3), "pages further down count too");
        assert!(f.bundles.is_empty());
    }

    #[test]
    fn a_nested_bundle_makes_its_parent_folder_a_section() {
        let (f, _) = folders(&["_index.md", "guide/index.md", "guide/shot/index.md"]);
        assert_eq!(f.sections.get("guide"), Some(&1));
        assert_eq!(f.bundles.get("guide/shot"), Some(&2));
    }

    #[test]
    fn in_the_glossary_index_md_is_a_term() {
        let (f, errors) = folders(&[
            "_index.md",
            "glossary/_index.md",
            "glossary/index.md",
            "glossary/README.md",
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(f.sections.get("glossary"), Some(&1));
    }

    #[test]
    fn two_pages_for_one_folder_are_an_error_naming_both() {
        let (f, errors) = folders(&["_index.md", "a/_index.md", "a/index.md"]);
        assert_eq!(f.sections.get("a"), Some(&1));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("site/a/index.md"), "{}", errors[0]);
        assert!(errors[0].message.contains("site/a/_index.md"), "{}", errors[0]);
        let (_, errors) = folders(&["_index.md", "b/README.md", "b/index.md"]);
        assert!(errors[0].message.starts_with("`site/b/README.md`"), "{}", errors[0]);
    }
}
