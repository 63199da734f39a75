//! Hidden lines in Rust code blocks, as mdBook and rustdoc have them: a line whose first
//! non-blank characters are `# ` (or a lone `#`) is part of the example when it is compiled
//! and tested, but not shown, so books write `# fn main() {` around a snippet. `##` at the
//! start shows one `#`. `#[attribute]` and `#!` lines are ordinary Rust and stay.

use std::borrow::Cow;

/// Whether an info string (`rust`, `rust,ignore`, `rust edition2021`) names Rust.
fn is_rust(info: &str) -> bool {
    info.split([',', ' ', '\t', '{'])
        .next()
        .is_some_and(|lang| lang.eq_ignore_ascii_case("rust"))
}

/// The lines of `code` a reader sees.
pub fn visible<'a>(info: &str, code: &'a str) -> Cow<'a, str> {
    if !is_rust(info) || !code.contains('#') {
        return Cow::Borrowed(code);
    }
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        let rest = &body[indent..];
        if rest == "#" || rest.starts_with("# ") {
            continue;
        }
        if let Some(shown) = rest.strip_prefix("##") {
            out.push_str(&body[..indent]);
            out.push('#');
            out.push_str(shown);
            out.push_str(&line[body.len()..]);
            continue;
        }
        out.push_str(line);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_what_rustdoc_hides() {
        let code = "# fn main() {\n    let x = 1;\n    # let hidden = 2;\n#\n#[derive(Debug)]\n#![allow(unused)]\n## shown with one hash\n# }\n";
        assert_eq!(
            visible("rust,ignore", code),
            "    let x = 1;\n#[derive(Debug)]\n#![allow(unused)]\n# shown with one hash\n"
        );
    }

    #[test]
    fn other_languages_are_untouched() {
        let shell = "# a comment\necho hi\n";
        assert_eq!(visible("sh", shell), shell);
        assert_eq!(visible("", shell), shell);
        assert_eq!(visible("rusty", shell), shell);
    }
}
