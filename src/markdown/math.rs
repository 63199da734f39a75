//! Math: `$…$` and `$$…$$` rendered to MathML at build time.
//!
//! pulldown-cmark finds the formulas (`ENABLE_MATH`); pulldown-latex turns their LaTeX into
//! MathML Core, which browsers lay out with their own math fonts: no JavaScript, nothing to
//! download. A formula that does not parse fails the build at its position.
//!
//! When `$` is math: an opening `$` must be followed, and a closing `$` preceded, by a
//! character other than a space, so prices ("$5 and $10") stay text; `\$` is always a dollar.

use pulldown_latex::config::DisplayMode;
use pulldown_latex::{Parser, RenderConfig, Storage, push_mathml};

/// Why a formula cannot be rendered, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathError {
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
}

/// Renders `tex` as a `<math>` element (`display="block"` for `$$…$$`).
pub fn render(tex: &str, display: bool) -> Result<String, MathError> {
    let storage = Storage::new();
    let mut events = Vec::new();
    for event in Parser::new(tex, &storage) {
        match event {
            Ok(e) => events.push(e),
            Err(e) => {
                let text = e.to_string();
                let reason = text
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("parsing error: ")
                    .to_string();
                let shown: String = tex.trim().chars().take(60).collect();
                return Err(MathError {
                    message: format!("the formula `{shown}` is not valid LaTeX: {reason}"),
                    hint: "fix the formula; if the `$` signs were meant as dollars, write them as `\\$`".into(),
                });
            }
        }
    }
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        // The source rides along as an annotation: copy-paste and some screen readers use it.
        annotation: Some(tex),
        ..RenderConfig::default()
    };
    let mut html = String::with_capacity(tex.len() * 8);
    push_mathml(
        &mut html,
        events.into_iter().map(Ok::<_, std::convert::Infallible>),
        config,
    )
    .map_err(|e| MathError {
        message: format!("the formula could not be written as MathML: {e}"),
        hint: "simplify the formula".into(),
    })?;
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_mathml() {
        let inline = render("x^2", false).unwrap();
        assert!(inline.starts_with("<math"), "{inline}");
        assert!(inline.contains("<msup>"), "{inline}");
        assert!(!inline.contains("display=\"block\""), "{inline}");
        let block = render(r"\frac{a}{b}", true).unwrap();
        assert!(block.contains("display=\"block\""), "{block}");
        assert!(block.contains("<mfrac>"), "{block}");
    }

    #[test]
    fn bad_latex_is_an_error_with_a_hint() {
        let e = render(r"\frac{a}{b", false).unwrap_err();
        assert!(e.message.contains("not valid LaTeX"), "{e:?}");
        assert!(!e.hint.is_empty());
    }
}
