//! One theme struct, four palettes, one for each of the app's
//! [`ThemeName`]s. The monochrome one marks everything with modifiers
//! (reversed, bold, underlined) and no colour, for `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};

use crate::app::ThemeName;

/// Every style the UI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub border: Style,
    pub border_focus: Style,
    pub title: Style,
    pub header: Style,
    pub muted: Style,
    pub selected: Style,
    /// The followed reference, everywhere it appears.
    pub follow: Style,
    /// Items that just appeared.
    pub flash: Style,
    pub ok: Style,
    pub error: Style,
    pub warn: Style,
    pub last_resort: Style,
    /// A last-resort package handed out again.
    pub reuse: Style,
    pub arrow: Style,
    pub ds: Style,
    pub key: Style,
    pub caption: Style,
}

/// A colour by its red, green and blue: every palette is explicit so that its
/// contrast can be computed (terminals map named colours as they like).
const fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(r, g, b)
}

impl Theme {
    /// The palette of a theme the app names.
    pub fn of(name: ThemeName) -> Self {
        match name {
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
            ThemeName::HighContrast => Theme::high_contrast(),
            ThemeName::Mono => Theme::mono(),
        }
    }

    pub fn dark() -> Self {
        let bg = rgb(16, 18, 24);
        let bold = Modifier::BOLD;
        Self {
            base: Style::new().fg(rgb(210, 212, 218)).bg(bg),
            border: Style::new().fg(rgb(96, 104, 118)),
            border_focus: Style::new().fg(rgb(0, 200, 220)),
            title: Style::new().fg(rgb(255, 255, 255)).add_modifier(bold),
            header: Style::new().fg(rgb(100, 205, 235)).add_modifier(bold),
            muted: Style::new().fg(rgb(168, 170, 180)),
            selected: Style::new().bg(rgb(38, 44, 60)).add_modifier(bold),
            follow: Style::new()
                .fg(rgb(0, 0, 0))
                .bg(rgb(235, 130, 235))
                .add_modifier(bold),
            flash: Style::new().fg(rgb(0, 0, 0)).bg(rgb(240, 220, 90)),
            ok: Style::new().fg(rgb(110, 225, 110)),
            error: Style::new().fg(rgb(255, 120, 120)).add_modifier(bold),
            warn: Style::new().fg(rgb(240, 205, 90)),
            last_resort: Style::new().fg(rgb(130, 180, 255)).add_modifier(bold),
            reuse: Style::new()
                .fg(rgb(0, 0, 0))
                .bg(rgb(130, 180, 255))
                .add_modifier(bold),
            arrow: Style::new().fg(rgb(235, 235, 235)),
            ds: Style::new().fg(rgb(120, 230, 120)).add_modifier(bold),
            key: Style::new().fg(rgb(0, 0, 0)).bg(rgb(0, 200, 220)),
            caption: Style::new().fg(rgb(255, 255, 255)).add_modifier(bold),
        }
    }

    pub fn light() -> Self {
        let bg = rgb(255, 255, 255);
        let bold = Modifier::BOLD;
        Self {
            base: Style::new().fg(rgb(20, 20, 20)).bg(bg),
            border: Style::new().fg(rgb(150, 150, 150)),
            border_focus: Style::new().fg(rgb(0, 70, 180)),
            title: Style::new().fg(rgb(0, 0, 0)).add_modifier(bold),
            header: Style::new().fg(rgb(0, 60, 160)).add_modifier(bold),
            muted: Style::new().fg(rgb(85, 85, 85)),
            selected: Style::new().bg(rgb(210, 225, 245)).add_modifier(bold),
            follow: Style::new()
                .fg(rgb(255, 255, 255))
                .bg(rgb(140, 0, 140))
                .add_modifier(bold),
            flash: Style::new().fg(rgb(0, 0, 0)).bg(rgb(255, 240, 120)),
            ok: Style::new().fg(rgb(0, 110, 0)),
            error: Style::new().fg(rgb(180, 0, 0)).add_modifier(bold),
            warn: Style::new().fg(rgb(135, 75, 0)),
            last_resort: Style::new().fg(rgb(0, 60, 200)).add_modifier(bold),
            reuse: Style::new()
                .fg(rgb(255, 255, 255))
                .bg(rgb(0, 60, 200))
                .add_modifier(bold),
            arrow: Style::new().fg(rgb(0, 0, 0)),
            ds: Style::new().fg(rgb(0, 110, 0)).add_modifier(bold),
            key: Style::new().fg(rgb(255, 255, 255)).bg(rgb(0, 60, 180)),
            caption: Style::new().fg(rgb(0, 0, 0)).add_modifier(bold),
        }
    }

    /// White on black and bold everywhere that matters: readable from the back
    /// row (every text colour reaches 7:1).
    pub fn high_contrast() -> Self {
        let bold = Modifier::BOLD;
        let black = rgb(0, 0, 0);
        let white = rgb(255, 255, 255);
        let yellow = rgb(255, 255, 0);
        let cyan = rgb(120, 255, 255);
        let green = rgb(110, 255, 110);
        Self {
            base: Style::new().fg(white).bg(black),
            border: Style::new().fg(white),
            border_focus: Style::new().fg(yellow).add_modifier(bold),
            title: Style::new().fg(yellow).add_modifier(bold),
            header: Style::new()
                .fg(white)
                .add_modifier(bold | Modifier::UNDERLINED),
            muted: Style::new().fg(rgb(210, 210, 210)),
            selected: Style::new().fg(black).bg(white).add_modifier(bold),
            follow: Style::new().fg(black).bg(yellow).add_modifier(bold),
            flash: Style::new().fg(black).bg(cyan).add_modifier(bold),
            ok: Style::new().fg(green).add_modifier(bold),
            error: Style::new().fg(white).bg(rgb(160, 0, 0)).add_modifier(bold),
            warn: Style::new().fg(yellow).add_modifier(bold),
            last_resort: Style::new().fg(cyan).add_modifier(bold),
            reuse: Style::new().fg(black).bg(cyan).add_modifier(bold),
            arrow: Style::new().fg(white).add_modifier(bold),
            ds: Style::new().fg(green).add_modifier(bold),
            key: Style::new().fg(black).bg(yellow).add_modifier(bold),
            caption: Style::new().fg(yellow).add_modifier(bold),
        }
    }

    /// Every style text is drawn in, by name (borders are lines, not text).
    pub fn text_styles(&self) -> [(&'static str, Style); 17] {
        [
            ("base", self.base),
            ("border_focus", self.border_focus),
            ("title", self.title),
            ("header", self.header),
            ("muted", self.muted),
            ("follow", self.follow),
            ("flash", self.flash),
            ("ok", self.ok),
            ("error", self.error),
            ("warn", self.warn),
            ("last_resort", self.last_resort),
            ("reuse", self.reuse),
            ("arrow", self.arrow),
            ("ds", self.ds),
            ("key", self.key),
            ("caption", self.caption),
            ("selected", self.selected),
        ]
    }

    /// Modifiers only: reversed for selection and the followed reference, bold and
    /// underline for the rest.
    pub fn mono() -> Self {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Self {
            base: plain,
            border: plain,
            border_focus: bold,
            title: bold,
            header: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            muted: Style::new().add_modifier(Modifier::DIM),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            follow: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            flash: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            ok: plain,
            error: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            warn: bold,
            last_resort: bold,
            reuse: Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED),
            arrow: plain,
            ds: bold,
            key: Style::new().add_modifier(Modifier::REVERSED),
            caption: bold,
        }
    }
}

/// WCAG 2 relative luminance of an sRGB colour; `None` for a colour without RGB.
pub fn luminance(color: Color) -> Option<f64> {
    let Color::Rgb(r, g, b) = color else {
        return None;
    };
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

impl Theme {
    /// Every (style, background) pair text can be drawn in and its contrast:
    /// each text style on the base background (or its own), and on a selected
    /// row (a style with its own background keeps it there, see `ui::panels`).
    pub fn contrasts(&self) -> Vec<(String, Option<f64>)> {
        let base_fg = self.base.fg;
        let base_bg = self.base.bg;
        let mut out = Vec::new();
        for (name, style) in self.text_styles() {
            let fg = style.fg.or(base_fg);
            let bg = style.bg.or(base_bg);
            if let (Some(fg), Some(bg)) = (fg, bg) {
                out.push((format!("{name} on its background"), contrast(fg, bg)));
            }
            if style.bg.is_none() {
                let fg = self.selected.fg.or(style.fg).or(base_fg);
                if let (Some(fg), Some(bg)) = (fg, self.selected.bg) {
                    out.push((format!("{name} on a selected row"), contrast(fg, bg)));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Theme, ThemeName};

    #[test]
    fn every_text_colour_reaches_wcag_contrast() {
        for (theme, least) in [
            (ThemeName::Dark, 4.5),
            (ThemeName::Light, 4.5),
            (ThemeName::HighContrast, 7.0),
        ] {
            let pairs = Theme::of(theme).contrasts();
            assert!(pairs.len() >= 25, "{theme:?}: {}", pairs.len());
            for (what, ratio) in pairs {
                let ratio = ratio.unwrap_or(0.0);
                assert!(
                    ratio >= least,
                    "{theme:?}: {what} has contrast {ratio:.2}, less than {least}"
                );
            }
        }
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        use ratatui::style::Color;
        let ratio = super::contrast(Color::Rgb(0, 0, 0), Color::Rgb(255, 255, 255));
        assert!(ratio.is_some_and(|r| (r - 21.0).abs() < 1e-9));
        // #777777 on white is the classic 4.48:1 just below AA.
        let grey = super::contrast(Color::Rgb(0x77, 0x77, 0x77), Color::Rgb(255, 255, 255));
        assert!(grey.is_some_and(|r| (r - 4.48).abs() < 0.01));
    }
}
