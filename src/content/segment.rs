//! URL segments: what a `slug`, a file name or a folder name may turn into.
//!
//! A segment becomes a folder or file name in the output and a part of every URL that
//! points at it, so it must be a single, harmless path component on every file system.

use crate::markdown::links::percent_decode;

/// The longest file name Linux, macOS and Windows file systems accept, in bytes.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// Why `seg` cannot be one URL segment, or `None` when it can.
pub fn problem(seg: &str) -> Option<String> {
    if seg.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(c) = seg.chars().find(|c| c.is_control()) {
        return Some(format!("it contains the control character U+{:04X}", c as u32));
    }
    if let Some(c) = seg.chars().find(|c| matches!(c, '/' | '\\' | '?' | '#' | ' ')) {
        return Some(format!("it contains `{c}`"));
    }
    if seg == "." || seg == ".." {
        return Some(format!("`{seg}` names a folder, not a page"));
    }
    if seg.contains('%') {
        let decoded = percent_decode(seg);
        if decoded != seg {
            return Some(format!(
                "it contains a `%` escape (it decodes to `{}`), which servers decode before looking up the file",
                decoded.escape_debug()
            ));
        }
        return Some("it contains `%`, which starts an escape in a URL".into());
    }
    if seg.len() > MAX_SEGMENT_BYTES {
        return Some(format!(
            "it is {} bytes long; a URL segment becomes a file or folder name, at most {MAX_SEGMENT_BYTES} bytes",
            seg.len()
        ));
    }
    None
}

/// A segment as shown in a message: control characters escaped, long ones cut after 60 characters.
pub fn shown(seg: &str) -> String {
    let cut: String = seg.chars().take(60).collect();
    let more = if cut.len() < seg.len() { "…" } else { "" };
    format!("{}{more}", cut.escape_debug())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_segments() {
        for seg in ["intro", "算力-基础", "a.b", "v1.2"] {
            assert_eq!(problem(seg), None, "{seg}");
        }
        assert_eq!(problem(&"a".repeat(255)), None);
    }

    #[test]
    fn bad_segments() {
        for seg in [
            "", ".", "..", "a/b", "a\\b", "a?b", "a#b", "a b", "a\0b", "a\nb", "%2e%2e", "%2E", "a%2Fb", "%00", "100%",
        ] {
            assert!(problem(seg).is_some(), "{seg:?}");
        }
        assert!(problem(&"a".repeat(256)).unwrap().contains("256 bytes"));
        assert!(problem("%2e%2e").unwrap().contains("`..`"));
    }
}
