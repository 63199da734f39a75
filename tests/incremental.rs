//! An incremental rebuild (what the dev server does after a body edit) must give exactly
//! the output of a full rebuild of the edited site.

mod common;
use common::*;
use quire::render::{Templates, render_pages};
use quire::site::{Site, SiteOptions};

fn full(root: &std::path::Path) -> (Site, quire::output::Output) {
    let site = Site::load(root, &SiteOptions::default()).unwrap();
    let output = quire::build::render_output(&site).unwrap();
    (site, output)
}

#[test]
fn body_edit_re_renders_the_page_and_the_terms_whose_backlinks_change() {
    let root = fixture("basic");
    let (mut site, _) = full(&root);
    let templates = Templates::new(&site).unwrap();
    let page = root.join("site/02-alpha.md");
    // Start using compute here: its term page gains a backlink and must be re-rendered too.
    let text = std::fs::read_to_string(&page).unwrap() + "\nIt needs computing power.\n";
    std::fs::write(&page, text).unwrap();
    let pages = site
        .update_pages(std::slice::from_ref(&page))
        .unwrap()
        .expect("a body edit is incremental");
    let sources: Vec<&str> = pages.iter().map(|&p| site.content.pages[p].source.as_str()).collect();
    assert!(
        sources.contains(&"02-alpha.md") && sources.contains(&"glossary/compute.md"),
        "{sources:?}"
    );
    let rendered = render_pages(&site, &templates, &pages).unwrap();
    let (_, fresh) = full(&root);
    for (path, bytes) in rendered {
        assert_eq!(
            fresh.read(&path).unwrap().unwrap(),
            bytes,
            "{path} differs from a full rebuild"
        );
    }
}

#[test]
fn plain_body_edit_matches_a_full_rebuild() {
    let root = fixture("basic");
    let (mut site, _) = full(&root);
    let templates = Templates::new(&site).unwrap();
    let page = root.join("site/01-intro.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("Duplicate heading text", "Edited heading text");
    std::fs::write(&page, text).unwrap();
    let pages = site
        .update_pages(std::slice::from_ref(&page))
        .unwrap()
        .expect("incremental");
    assert_eq!(pages.len(), 1, "only the edited page");
    let rendered = render_pages(&site, &templates, &pages).unwrap();
    let (_, fresh) = full(&root);
    assert_eq!(rendered.len(), 1);
    assert_eq!(fresh.read(&rendered[0].0).unwrap().unwrap(), rendered[0].1);
}

#[test]
fn a_term_becoming_unused_needs_a_full_rebuild() {
    let root = fixture("basic");
    let (mut site, _) = full(&root);
    let page = root.join("site/02-alpha.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("see [[CPO]] and [[co-packaged optics|CPO]]", "see no term");
    std::fs::write(&page, text).unwrap();
    assert!(
        site.update_pages(std::slice::from_ref(&page)).unwrap().is_none(),
        "the unused-term warning changes"
    );
}

#[test]
fn front_matter_or_title_changes_need_a_full_rebuild() {
    let root = fixture("basic");
    let (mut site, _) = full(&root);
    let page = root.join("site/01-intro.md");
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("title: Introduction", "title: Intro");
    std::fs::write(&page, text).unwrap();
    assert!(site.update_pages(std::slice::from_ref(&page)).unwrap().is_none());
    let zeta = root.join("site/zeta.md");
    std::fs::write(&zeta, "# A new heading title\n\nBody.\n").unwrap();
    assert!(
        site.update_pages(std::slice::from_ref(&zeta)).unwrap().is_none(),
        "title from the h1 changed"
    );
}

#[test]
fn a_broken_edit_leaves_the_site_unchanged() {
    let root = fixture("basic");
    let (mut site, _) = full(&root);
    let page = root.join("site/01-intro.md");
    let before = site.bodies[site.content.by_source["01-intro.md"]].html.clone();
    let text = std::fs::read_to_string(&page).unwrap() + "\n[broken](nowhere.md)\n";
    std::fs::write(&page, text).unwrap();
    let err = site.update_pages(std::slice::from_ref(&page)).unwrap_err();
    assert!(err.to_string().contains("nowhere.md"));
    assert_eq!(site.bodies[site.content.by_source["01-intro.md"]].html, before);
}

#[test]
fn backlinks_updated_in_place_equal_a_full_reload_after_every_edit() {
    // The essay: its terms are used on every page, so each edit lands among other pages'
    // backlinks. After each edit the incremental backlinks must equal a fresh load's.
    let root = temp_dir("incremental-backlinks");
    copy_dir(&repo().join("site"), &root.join("site"));
    std::fs::copy(repo().join("quire.toml"), root.join("quire.toml")).unwrap();
    let (mut site, _) = full(&root);
    let page = root.join("site/02-computing-power.md");
    let other = root.join("site/03-paths-and-opportunities.md");
    let original = std::fs::read_to_string(&page).unwrap();
    let edits = [
        (
            &page,
            format!("{original}\nMore computing power, and CPO twice: CPO.\n"),
        ),
        (&page, original.replace("computing power", "horsepower")),
        (
            &other,
            std::fs::read_to_string(&other).unwrap() + "\nA new sentence about the metaverse.\n",
        ),
        (&page, original.clone()),
    ];
    let mut incremental = 0;
    for (i, (file, text)) in edits.iter().enumerate() {
        std::fs::write(file, text).unwrap();
        match site.update_pages(std::slice::from_ref(*file)).unwrap() {
            Some(_) => incremental += 1,
            None => site = full(&root).0,
        }
        let fresh = Site::load(&root, &SiteOptions::default()).unwrap();
        assert_eq!(site.backlinks, fresh.backlinks, "edit {i}");
    }
    assert!(
        incremental >= 3,
        "the edits must exercise the in-place update ({incremental} did)"
    );
}
