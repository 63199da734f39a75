//! Which language a piece of text in another script is in, for its `lang` attribute.
//!
//! A glossary alias such as `共封装光学` on an English page must carry `lang`, or screen
//! readers read it with the page's voice and browsers pick the wrong fonts. Quire cannot
//! know the language of every string, so it decides by script: Hangul is Korean, kana is
//! Japanese, and Han characters without kana are Chinese (`zh`). Text in the site's own
//! language, or with no such characters, gets no attribute.

/// The `lang` for `text` on a site whose language is `site_lang`, when its script says it
/// is in another language.
pub fn lang_of(text: &str, site_lang: &str) -> Option<&'static str> {
    let (mut han, mut kana, mut hangul) = (false, false, false);
    for c in text.chars() {
        match c as u32 {
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => kana = true,
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => hangul = true,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F => han = true,
            _ => {}
        }
    }
    let lang = if hangul {
        "ko"
    } else if kana {
        "ja"
    } else if han {
        "zh"
    } else {
        return None;
    };
    let primary = site_lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    // Japanese writes Han characters too: on a Japanese site they are in its language.
    let same = primary == lang || (lang == "zh" && primary == "ja");
    (!same).then_some(lang)
}

#[cfg(test)]
mod tests {
    use super::lang_of;

    #[test]
    fn cjk_text_on_an_english_site_gets_its_language() {
        assert_eq!(lang_of("共封装光学", "en"), Some("zh"));
        assert_eq!(lang_of("co-packaged optics", "en"), None);
        assert_eq!(lang_of("ひらがな", "en"), Some("ja"));
        assert_eq!(lang_of("漢字とかな", "en-US"), Some("ja"));
        assert_eq!(lang_of("한국어", "en"), Some("ko"));
    }

    #[test]
    fn text_in_the_site_language_gets_none() {
        assert_eq!(lang_of("共封装光学", "zh-CN"), None);
        assert_eq!(lang_of("共封装光学", "zh"), None);
        assert_eq!(lang_of("漢字", "ja"), None);
        assert_eq!(lang_of("한국어", "ko-KR"), None);
    }
}
