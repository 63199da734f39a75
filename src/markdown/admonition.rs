//! Admonitions: GitHub's alerts (`> [!NOTE]`, TIP, IMPORTANT, WARNING, CAUTION).
//!
//! pulldown-cmark recognises them (with `ENABLE_GFM`) as block quotes of a kind; they are
//! written as a `role="note"` box whose first line is a visible text label, so the kind
//! never depends on colour alone.

use pulldown_cmark::BlockQuoteKind;

/// The label shown and the class suffix of an alert kind.
pub fn label(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("Note", "note"),
        BlockQuoteKind::Tip => ("Tip", "tip"),
        BlockQuoteKind::Important => ("Important", "important"),
        BlockQuoteKind::Warning => ("Warning", "warning"),
        BlockQuoteKind::Caution => ("Caution", "caution"),
    }
}

/// The HTML that opens an alert of `kind`, label included.
pub fn open(kind: BlockQuoteKind) -> String {
    let (text, class) = label(kind);
    format!("<div class=\"admonition admonition-{class}\" role=\"note\">\n<p class=\"admonition-title\">{text}</p>\n")
}

/// The HTML that closes an alert.
pub const CLOSE: &str = "</div>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_text_label_and_a_class() {
        let html = open(BlockQuoteKind::Warning);
        assert!(html.contains("class=\"admonition admonition-warning\""));
        assert!(html.contains("role=\"note\""));
        assert!(html.contains(">Warning</p>"));
        for kind in [
            BlockQuoteKind::Note,
            BlockQuoteKind::Tip,
            BlockQuoteKind::Important,
            BlockQuoteKind::Warning,
            BlockQuoteKind::Caution,
        ] {
            assert!(!label(kind).0.is_empty());
        }
    }
}
