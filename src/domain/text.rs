//! Text that comes from input: [`escape_controls`] makes any of it safe to print
//! on a terminal, and [`is_control`] says which characters must never reach one
//! raw.

use std::borrow::Cow;

/// Characters that must never reach a terminal raw: every character of the
/// Unicode general categories Cc (C0 and C1 controls: escape sequences, carriage
/// returns), Cf (format: bidi marks, embeddings, overrides and isolates,
/// zero-width spaces and joiners, the byte-order mark, soft hyphen, tags), Zl
/// and Zp (line and paragraph separators), and every Default_Ignorable_Code_Point
/// (fillers, variation selectors, the reserved ranges kept for more of them):
/// all that a terminal obeys, or draws as nothing, so that text reads other
/// than it is.
pub fn is_control(c: char) -> bool {
    // Below the first hidden range (U+00AD) only Cc is hidden.
    c.is_control()
        || (c >= HIDDEN[0].0
            && HIDDEN
                .binary_search_by(|&(first, last)| order(c, first, last))
                .is_ok())
}

/// Where `c` lies from the range `first..=last`, for the binary search.
fn order(c: char, first: char, last: char) -> std::cmp::Ordering {
    if last < c {
        std::cmp::Ordering::Less
    } else if first > c {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// Cf, Zl, Zp and Default_Ignorable_Code_Point outside Cc, as sorted disjoint
/// ranges (Unicode 16: DerivedGeneralCategory.txt and DerivedCoreProperties.txt;
/// DICP = Other_Default_Ignorable_Code_Point + Cf + Variation_Selector, less
/// what is White_Space). Cf gains a character in few Unicode versions; the
/// reserved DICP ranges (U+2065, U+FFF0..U+FFF8, U+E0000..U+E0FFF) are here
/// whole, so a new character there is already covered.
const HIDDEN: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),   // SOFT HYPHEN
    ('\u{034F}', '\u{034F}'),   // COMBINING GRAPHEME JOINER
    ('\u{0600}', '\u{0605}'),   // ARABIC NUMBER SIGN .. ARABIC NUMBER MARK ABOVE
    ('\u{061C}', '\u{061C}'),   // ARABIC LETTER MARK
    ('\u{06DD}', '\u{06DD}'),   // ARABIC END OF AYAH
    ('\u{070F}', '\u{070F}'),   // SYRIAC ABBREVIATION MARK
    ('\u{0890}', '\u{0891}'),   // ARABIC POUND MARK ABOVE, PIASTRE MARK ABOVE
    ('\u{08E2}', '\u{08E2}'),   // ARABIC DISPUTED END OF AYAH
    ('\u{115F}', '\u{1160}'),   // HANGUL CHOSEONG FILLER, JUNGSEONG FILLER
    ('\u{17B4}', '\u{17B5}'),   // KHMER VOWEL INHERENT AQ, AA
    ('\u{180B}', '\u{180F}'),   // MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
    ('\u{200B}', '\u{200F}'),   // ZERO WIDTH SPACE, ZWNJ, ZWJ, LRM, RLM
    ('\u{2028}', '\u{202E}'),   // LINE, PARAGRAPH SEPARATOR, LRE, RLE, PDF, LRO, RLO
    ('\u{2060}', '\u{206F}'),   // WORD JOINER .. INVISIBLE PLUS, isolates, deprecated
    ('\u{3164}', '\u{3164}'),   // HANGUL FILLER
    ('\u{FE00}', '\u{FE0F}'),   // VARIATION SELECTOR-1 .. 16
    ('\u{FEFF}', '\u{FEFF}'),   // ZERO WIDTH NO-BREAK SPACE (byte-order mark)
    ('\u{FFA0}', '\u{FFA0}'),   // HALFWIDTH HANGUL FILLER
    ('\u{FFF0}', '\u{FFFB}'),   // reserved, INTERLINEAR ANNOTATION ANCHOR .. TERMINATOR
    ('\u{110BD}', '\u{110BD}'), // KAITHI NUMBER SIGN
    ('\u{110CD}', '\u{110CD}'), // KAITHI NUMBER SIGN ABOVE
    ('\u{13430}', '\u{1343F}'), // EGYPTIAN HIEROGLYPH FORMAT CONTROLS
    ('\u{1BCA0}', '\u{1BCA3}'), // SHORTHAND FORMAT LETTER OVERLAP .. UP STEP
    ('\u{1D173}', '\u{1D17A}'), // MUSICAL SYMBOL BEGIN BEAM .. END PHRASE
    ('\u{E0000}', '\u{E0FFF}'), // LANGUAGE TAG, TAG characters, VARIATION SELECTORS 17..256
];

/// Whether `text` holds a character [`is_control`] names. Printable ASCII is
/// answered from its bytes: it is almost all the text a frame draws, and every
/// control lies outside `0x20..=0x7e`.
fn needs_escape(text: &str) -> bool {
    let printable_ascii = |b: &u8| (0x20..0x7f).contains(b);
    !text.as_bytes().iter().all(printable_ascii) && text.chars().any(is_control)
}

/// `text` with every character [`is_control`] names written as a Rust-style
/// escape (`\n`, `\t`, `\r`, `\u{1b}`, `\u{202e}`), so that input text printed on
/// a terminal shows what it is and does nothing. Text without such characters
/// is returned as it is. The one rule for input text on a terminal: the
/// transcript, JSON Lines, the state section, stderr and every panel use it.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !needs_escape(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_shows_controls_and_keeps_the_rest() {
        assert!(matches!(escape_controls("plain … ×"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("a\nb\tc\rd"), "a\\nb\\tc\\rd");
        assert_eq!(escape_controls("\u{1b}[2J\u{7}"), "\\u{1b}[2J\\u{7}");
        assert_eq!(escape_controls("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
        assert_eq!(escape_controls("\0"), "\\u{0}");
    }

    #[test]
    fn bidi_zero_width_and_invisible_characters_are_escaped() {
        for c in [
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{200e}',
            '\u{200f}',
            '\u{061c}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{2060}',
            '\u{2064}',
            '\u{feff}',
            '\u{ad}',
            '\u{2028}',
            '\u{2029}',
            '\u{34f}',
            '\u{fe0f}',
            '\u{180e}',
            '\u{3164}',
            '\u{e0001}',
            '\u{e0041}',
            '\u{e01ef}',
            '\u{1d173}',
            '\u{13430}',
            '\u{85}',
        ] {
            assert!(is_control(c), "{:x}", c as u32);
            assert_eq!(
                escape_controls(&format!("a{c}b")),
                format!("a\\u{{{:x}}}b", c as u32)
            );
        }
        for c in [
            'a',
            'é',
            ' ',
            '\u{a0}',
            '…',
            '鍵',
            '🔑',
            '\u{301}',
            '\u{2070}',
            '\u{e1000}',
        ] {
            assert!(!is_control(c), "{:x}", c as u32);
        }
    }

    #[test]
    fn the_table_is_sorted_and_disjoint_and_holds_no_cc() {
        for pair in HIDDEN.windows(2) {
            assert!(pair[0].1 < pair[1].0, "{pair:?}");
        }
        for &(first, last) in HIDDEN {
            assert!(first <= last);
            assert!(!first.is_control() && !last.is_control());
        }
    }

    /// The quick answers (printable ASCII from its bytes, nothing below U+00AD
    /// but Cc) agree with the rule itself for every character of the Basic
    /// Multilingual Plane and the tag block, alone and amid ASCII.
    #[test]
    fn the_quick_paths_agree_with_the_rule_for_every_character() {
        let rule = |c: char| {
            c.is_control()
                || HIDDEN
                    .iter()
                    .any(|&(first, last)| (first..=last).contains(&c))
        };
        let planes = (0..=0xFFFF).chain(0xE0000..=0xE0FFF);
        for c in planes.filter_map(char::from_u32) {
            assert_eq!(is_control(c), rule(c), "U+{:04X}", c as u32);
            let alone = c.to_string();
            let amid = format!("plain {c} text");
            for text in [&alone, &amid] {
                let borrowed = matches!(escape_controls(text), Cow::Borrowed(_));
                assert_eq!(borrowed, !rule(c), "U+{:04X} in {text:?}", c as u32);
            }
        }
    }
}
