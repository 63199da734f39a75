//! Reading a source file as text: UTF-8 only, a leading byte-order mark dropped, NUL bytes
//! reported at their position and kept out of everything rendered.

use crate::diagnostics::{Diagnostic, LineIndex};
use std::path::Path;

/// The UTF-8 byte-order mark some editors (Notepad among them) write at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's text and the problems found while decoding it. The text is always usable: invalid
/// UTF-8 and NUL bytes are replaced by U+FFFD, so later stages can still run and report.
#[derive(Debug)]
pub struct Decoded {
    /// The text without a byte-order mark.
    pub text: String,
    /// Invalid UTF-8, NUL bytes.
    pub errors: Vec<Diagnostic>,
}

/// Decodes `bytes` read from `file` (the name shown in messages).
pub fn decode(bytes: Vec<u8>, file: &Path) -> Decoded {
    let bytes = match bytes.strip_prefix(BOM) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    let mut errors = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // The valid prefix is the same in the lossy text, so the offset maps directly.
            let (line, column) = LineIndex::new(&lossy).position(valid);
            errors.push(
                Diagnostic::error(file, line, column, "this file is not UTF-8 text")
                    .with_hint("save the file as UTF-8 (any editor's \"Save with encoding\" does it)"),
            );
            lossy
        }
    };
    let Some(nul) = text.find('\0') else {
        return Decoded { text, errors };
    };
    let (line, column) = LineIndex::new(&text).position(nul);
    let count = text.matches('\0').count();
    let more = if count > 1 {
        format!(" (and {} more)", count - 1)
    } else {
        String::new()
    };
    errors.push(
        Diagnostic::error(file, line, column, format!("this file contains a NUL byte{more}"))
            .with_hint("remove the NUL byte; it is invisible in most editors, `grep -nP '\\x00'` finds it"),
    );
    // One character for one: lines and columns of everything after stay right.
    Decoded {
        text: text.replace('\0', "\u{FFFD}"),
        errors,
    }
}

/// Reads and decodes a file; an unreadable file is reported and yields empty text.
pub fn read(disk: &Path, file: &Path) -> Decoded {
    match std::fs::read(disk) {
        Ok(bytes) => decode(bytes, file),
        Err(e) => Decoded {
            text: String::new(),
            errors: vec![
                Diagnostic::error(file, 0, 0, format!("cannot read this file: {e}"))
                    .with_hint("check that the file exists and is readable"),
            ],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> &'static Path {
        Path::new("site/a.md")
    }

    #[test]
    fn bom_is_dropped() {
        let d = decode(b"\xEF\xBB\xBF---\ntitle: A\n---\n".to_vec(), file());
        assert!(d.errors.is_empty());
        assert!(d.text.starts_with("---"));
    }

    #[test]
    fn nul_is_an_error_at_its_position() {
        let d = decode(b"line one\nab\0c\0\n".to_vec(), file());
        assert_eq!(d.errors.len(), 1);
        let e = &d.errors[0];
        assert_eq!((e.line, e.column), (2, 3));
        assert!(e.message.contains("NUL byte (and 1 more)"), "{e}");
        assert!(!d.text.contains('\0'));
        assert_eq!(d.text.chars().count(), "line one\nab\0c\0\n".chars().count());
    }

    #[test]
    fn invalid_utf8_is_reported_and_text_kept() {
        let d = decode(b"ok\nx\xFFy".to_vec(), file());
        assert_eq!((d.errors[0].line, d.errors[0].column), (2, 2));
        assert!(d.text.contains("x\u{FFFD}y"));
    }
}
