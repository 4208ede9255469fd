//! How many colours the terminal shows (from `COLORTERM` and `TERM`), and a
//! palette brought down to them: at 256 or 16 colours each colour becomes the
//! nearest one the terminal has that still keeps its contrast with the
//! background it is drawn on, so a projector on a 16-colour terminal reads as
//! well as a laptop with 24-bit colour. The WCAG luminance and contrast of a
//! colour live here too: the fallback and the themes both measure with them.

use ratatui::style::Color;

/// The colours a terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColourDepth {
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`, `TERM=*-direct`).
    #[default]
    TrueColour,
    /// The xterm 256-colour palette (`TERM=*-256color`).
    Indexed256,
    /// The 16 ANSI colours (any other terminal).
    Ansi16,
}

/// The 16 ANSI colours as xterm draws them by default, by index.
const ANSI: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// The levels of the 6×6×6 colour cube of the 256-colour palette.
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

impl ColourDepth {
    /// The depth `COLORTERM` and `TERM` announce: 24-bit only when a terminal
    /// says so, 256 for a `256color` terminal, else 16.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> Self {
        let colorterm = colorterm.unwrap_or_default().to_ascii_lowercase();
        let term = term.unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" || term.ends_with("-direct") {
            Self::TrueColour
        } else if term.contains("256color") {
            Self::Indexed256
        } else {
            Self::Ansi16
        }
    }

    /// The depth of the terminal the lab runs in.
    pub fn from_env() -> Self {
        let colorterm = std::env::var("COLORTERM").ok();
        let term = std::env::var("TERM").ok();
        Self::detect(colorterm.as_deref(), term.as_deref())
    }

    /// The colours this depth can show, as indexed colours with their RGB.
    fn palette(self) -> Vec<(Color, (u8, u8, u8))> {
        match self {
            Self::TrueColour => Vec::new(),
            Self::Ansi16 => (0u8..16)
                .map(|i| (Color::Indexed(i), ANSI[usize::from(i)]))
                .collect(),
            Self::Indexed256 => (16u8..=255)
                .map(|i| (Color::Indexed(i), indexed_rgb(i)))
                .collect(),
        }
    }

    /// The colours of this depth nearest `color` first (empty in 24-bit or for
    /// the terminal's default colour).
    pub fn nearest_first(self, color: Color) -> Vec<Color> {
        let Some(wanted) = rgb(color) else {
            return Vec::new();
        };
        let distance = |(r, g, b): (u8, u8, u8)| {
            let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
            d(r, wanted.0) + d(g, wanted.1) + d(b, wanted.2)
        };
        let mut palette = self.palette();
        palette.sort_by_key(|(_, rgb)| distance(*rgb));
        palette
            .into_iter()
            .map(|(candidate, _)| candidate)
            .collect()
    }

    /// `color` at this depth: unchanged in 24-bit, else the nearest colour
    /// the terminal has.
    pub fn nearest(self, color: Color) -> Color {
        self.nearest_keeping(color, &[])
    }

    /// `color` at this depth, drawn on each of `keep`'s backgrounds (already
    /// at this depth): the nearest colour with at least the contrast asked
    /// for on every one, if any has.
    pub fn nearest_keeping(self, color: Color, keep: &[(Color, f64)]) -> Color {
        let Some(wanted) = rgb(color) else {
            return color;
        };
        let palette = self.palette();
        if palette.is_empty() {
            return color;
        }
        let distance = |(r, g, b): (u8, u8, u8)| {
            let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
            d(r, wanted.0) + d(g, wanted.1) + d(b, wanted.2)
        };
        let keeps = |candidate: Color| {
            keep.iter().all(|(background, least)| {
                contrast(candidate, *background).is_some_and(|ratio| ratio >= *least)
            })
        };
        palette
            .iter()
            .filter(|(candidate, _)| keeps(*candidate))
            .min_by_key(|(_, rgb)| distance(*rgb))
            .or_else(|| palette.iter().min_by_key(|(_, rgb)| distance(*rgb)))
            .map_or(color, |(candidate, _)| *candidate)
    }
}

/// WCAG 2 relative luminance of an sRGB colour (an indexed one by its xterm
/// default); `None` for the terminal's default colour.
pub fn luminance(color: Color) -> Option<f64> {
    let (r, g, b) = rgb(color)?;
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    Some(0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b))
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: Color, b: Color) -> Option<f64> {
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

/// The RGB of a colour the lab draws with: its own, or the xterm default of an
/// indexed or named colour; `None` for the terminal's default colour.
pub fn rgb(color: Color) -> Option<(u8, u8, u8)> {
    let ansi = |i: usize| Some(ANSI[i]);
    match color {
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i) => Some(indexed_rgb(i)),
        Color::Black => ansi(0),
        Color::Red => ansi(1),
        Color::Green => ansi(2),
        Color::Yellow => ansi(3),
        Color::Blue => ansi(4),
        Color::Magenta => ansi(5),
        Color::Cyan => ansi(6),
        Color::Gray => ansi(7),
        Color::DarkGray => ansi(8),
        Color::LightRed => ansi(9),
        Color::LightGreen => ansi(10),
        Color::LightYellow => ansi(11),
        Color::LightBlue => ansi(12),
        Color::LightMagenta => ansi(13),
        Color::LightCyan => ansi(14),
        Color::White => ansi(15),
        Color::Reset => None,
    }
}

/// The RGB of entry `i` of the xterm 256-colour palette.
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI[usize::from(i)],
        16..=231 => {
            let n = i - 16;
            let level = |v: u8| CUBE[usize::from(v)];
            (level(n / 36), level((n / 6) % 6), level(n % 6))
        }
        232..=255 => {
            let grey = 8 + (i - 232) * 10;
            (grey, grey, grey)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_depth_is_what_colorterm_and_term_announce() {
        use ColourDepth::*;
        for (colorterm, term, depth) in [
            (Some("truecolor"), Some("xterm-256color"), TrueColour),
            (Some("24bit"), None, TrueColour),
            (None, Some("xterm-direct"), TrueColour),
            (None, Some("xterm-256color"), Indexed256),
            (None, Some("screen-256color"), Indexed256),
            (Some(""), Some("tmux-256color"), Indexed256),
            (None, Some("xterm"), Ansi16),
            (None, Some("linux"), Ansi16),
            (None, None, Ansi16),
        ] {
            assert_eq!(
                ColourDepth::detect(colorterm, term),
                depth,
                "{colorterm:?} {term:?}"
            );
        }
    }

    #[test]
    fn colours_come_down_to_the_palette_of_the_depth() {
        let orange = Color::Rgb(255, 135, 0);
        assert_eq!(ColourDepth::TrueColour.nearest(orange), orange);
        assert_eq!(ColourDepth::Indexed256.nearest(orange), Color::Indexed(208));
        assert_eq!(
            ColourDepth::Indexed256.nearest(Color::Rgb(128, 128, 128)),
            Color::Indexed(244)
        );
        assert_eq!(
            ColourDepth::Ansi16.nearest(Color::Rgb(250, 10, 10)),
            Color::Indexed(9)
        );
        // Kept readable: a dark grey on black becomes a lighter one.
        let grey = ColourDepth::Ansi16
            .nearest_keeping(Color::Rgb(60, 60, 60), &[(Color::Indexed(0), 4.5)]);
        assert!(
            contrast(grey, Color::Indexed(0)).is_some_and(|r| r >= 4.5),
            "{grey:?}"
        );
    }
}
