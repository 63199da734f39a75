//! Unit tests of includes: ranges, anchors, escapes, nesting, cycles and the source map.

use super::*;

/// A throw-away project: `files` are (path under the root, text).
fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("quire-inc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    root
}

const CODE: &str = "fn a() {}\n// ANCHOR: main\nfn main() {\n    a();\n}\n// ANCHOR_END: main\nfn z() {}\n";

fn expand_page(name: &str, page: &str, extra: &[(&str, &str)]) -> Expanded {
    let mut files = vec![("site/p.md", page), ("listings/x.rs", CODE)];
    files.extend_from_slice(extra);
    let root = project(name, &files);
    expand(page, Path::new("site/p.md"), &root).expect("the page has includes")
}

#[test]
fn parts_are_parsed_like_mdbook() {
    assert_eq!(parse_part(None), Part::Whole);
    assert_eq!(parse_part(Some("2:4")), Part::Lines(Some(2), Some(4)));
    assert_eq!(parse_part(Some("2:")), Part::Lines(Some(2), None));
    assert_eq!(parse_part(Some(":4")), Part::Lines(None, Some(4)));
    assert_eq!(parse_part(Some("3")), Part::Lines(Some(3), Some(3)));
    assert_eq!(parse_part(Some("main")), Part::Anchor("main"));
}

#[test]
fn whole_file_drops_anchor_lines_and_the_final_newline() {
    let e = expand_page("whole", "```rust\n{{#include ../listings/x.rs}}\n```\n", &[]);
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    assert_eq!(e.text, "```rust\nfn a() {}\nfn main() {\n    a();\n}\nfn z() {}\n```\n");
    assert_eq!(e.files.len(), 1);
    assert!(e.files[0].ends_with("listings/x.rs"));
}

#[test]
fn ranges_and_anchors() {
    let e = expand_page(
        "ranges",
        "{{#include ../listings/x.rs:3:5}}|{{#include ../listings/x.rs:7:}}|{{#include ../listings/x.rs::1}}|{{#rustdoc_include ../listings/x.rs:main}}",
        &[],
    );
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    assert_eq!(
        e.text,
        "fn main() {\n    a();\n}|fn z() {}|fn a() {}|fn main() {\n    a();\n}"
    );
}

#[test]
fn escaped_directives_stay_text() {
    let e = expand_page("escaped", "Write `\\{{#include file.rs}}` to include.\n", &[]);
    assert!(e.errors.is_empty());
    assert_eq!(e.text, "Write `{{#include file.rs}}` to include.\n");
}

#[test]
fn errors_point_at_the_include_with_a_hint() {
    let e = expand_page(
        "errors",
        "# T\n\nok\n  {{#include ../listings/nope.rs}}\n{{#include ../listings/x.rs:5:99}}\n{{#include ../listings/x.rs:other}}\n",
        &[],
    );
    let got: Vec<(usize, usize)> = e.errors.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(got, [(4, 3), (5, 1), (6, 1)]);
    assert!(
        e.errors[0].message.contains("listings/nope.rs"),
        "{}",
        e.errors[0].message
    );
    assert!(e.errors[1].message.contains("5:99"), "{}", e.errors[1].message);
    assert!(e.errors[2].message.contains("ANCHOR: other"), "{}", e.errors[2].message);
    assert!(e.errors[2].hint.as_deref().unwrap().contains("main"));
    assert!(e.errors.iter().all(|d| d.hint.is_some()));
}

#[test]
fn outside_the_project_is_an_error() {
    let e = expand_page("outside", "{{#include ../../../../../../../etc/hostname}}\n", &[]);
    assert_eq!(e.errors.len(), 1, "{:?}", e.errors);
    assert!(
        e.errors[0].message.contains("outside the project") || e.errors[0].message.contains("cannot read"),
        "{}",
        e.errors[0].message
    );
}

#[test]
fn nested_includes_and_cycles() {
    let e = expand_page(
        "nested",
        "{{#include parts/a.md}}\n",
        &[("site/parts/a.md", "A {{#include b.md}}"), ("site/parts/b.md", "B")],
    );
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    assert_eq!(e.text, "A B\n");
    assert_eq!(e.files.len(), 2);

    let e = expand_page(
        "cycle",
        "x\n{{#include parts/a.md}}\n",
        &[
            ("site/parts/a.md", "{{#include b.md}}"),
            ("site/parts/b.md", "{{#include a.md}}"),
        ],
    );
    assert_eq!(e.errors.len(), 1);
    assert_eq!((e.errors[0].line, e.errors[0].column), (2, 1));
    assert!(e.errors[0].message.contains("cycle"), "{}", e.errors[0].message);
}

#[test]
fn source_map_keeps_page_offsets() {
    let page = "a\n{{#include ../listings/x.rs:1}}\nb [bad](x.md)\n";
    let e = expand_page("map", page, &[]);
    let out_b = e.text.find("b [bad]").unwrap();
    assert_eq!(e.map.to_source(out_b), page.find("b [bad]").unwrap());
    // Inside the included text: the include's own position.
    let out_fn = e.text.find("fn a").unwrap();
    assert_eq!(e.map.to_source(out_fn), page.find("{{#").unwrap());
    assert_eq!(e.map.to_output(page.find("b [bad]").unwrap()), out_b);
    assert_eq!(e.map.to_output(0), 0);
}

#[test]
fn pages_without_includes_are_left_alone() {
    assert!(expand("plain {{ text }}", Path::new("site/p.md"), Path::new("/nonexistent")).is_none());
}

#[test]
fn every_file_read_is_recorded_with_the_hash_of_the_bytes_read() {
    let e = expand_page("read", "{{#include ../listings/x.rs:main}}\n", &[]);
    assert_eq!(e.read.len(), 1, "{:?}", e.read);
    let read = &e.read[0];
    assert_eq!(
        read.hash,
        xxhash_rust::xxh3::xxh3_64(CODE.as_bytes()),
        "the whole file, not the part"
    );
    assert!(read.unchanged());
    std::fs::write(&read.resolved, format!("{CODE}// edited\n")).unwrap();
    assert!(!read.unchanged(), "other bytes");
    std::fs::write(&read.resolved, CODE).unwrap();
    assert!(read.unchanged());
    std::fs::remove_file(&read.resolved).unwrap();
    assert!(!read.unchanged(), "gone");
}
