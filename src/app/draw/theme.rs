//! One theme struct, four palettes, one for each of the app's
//! [`ThemeName`]s. The monochrome one marks everything with modifiers
//! (reversed, bold, underlined) and no colour, for `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};

use super::depth::ColourDepth;
pub use super::depth::{contrast, luminance};
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
            // 3.4:1 on white: a border is a line, it needs 3:1 (WCAG 1.4.11).
            border: Style::new().fg(rgb(140, 140, 140)),
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

/// The contrast text needs in a theme: 7:1 in high contrast, else 4.5:1
/// (WCAG AAA and AA).
pub fn least_text_contrast(name: ThemeName) -> f64 {
    match name {
        ThemeName::HighContrast => 7.0,
        ThemeName::Dark | ThemeName::Light | ThemeName::Mono => 4.5,
    }
}

/// The contrast a border needs against the background (WCAG 1.4.11).
pub const LEAST_BORDER_CONTRAST: f64 = 3.0;

impl Theme {
    /// The palette of a theme at the terminal's colour depth.
    pub fn at(name: ThemeName, depth: ColourDepth) -> Self {
        Theme::of(name).at_depth(depth, least_text_contrast(name))
    }

    /// This palette at `depth`: backgrounds become their nearest colour, then
    /// every foreground the nearest that keeps `text` contrast (borders 3:1)
    /// on each background it is drawn on. In 24-bit colour, unchanged.
    pub fn at_depth(&self, depth: ColourDepth, text: f64) -> Self {
        if depth == ColourDepth::TrueColour {
            return *self;
        }
        let bg = |style: Style| style.bg.map(|c| depth.nearest(c));
        // A background of its own becomes the nearest on which a colour near
        // the text's (its own, or the base's) reaches the contrast.
        let joint = |style: Style, least: f64| {
            let (own_bg, fg) = (style.bg?, style.fg.or(self.base.fg)?);
            depth
                .nearest_first(own_bg)
                .into_iter()
                .find_map(|background| {
                    let text = depth.nearest_keeping(fg, &[(background, least)]);
                    contrast(text, background)
                        .is_some_and(|ratio| ratio >= least)
                        .then_some((text, background))
                })
        };
        let base_bg = joint(self.base, text).map(|(_, b)| b).or(bg(self.base));
        let selected_bg = joint(self.selected, text)
            .map(|(_, b)| b)
            .or(bg(self.selected));
        // A style with no background of its own is drawn on the base and, where
        // the selection does not set the colour, on a selected row.
        let fit = |style: Style, least: f64| {
            if let Some((fg, background)) = joint(style, least) {
                return Style {
                    fg: style.fg.map(|_| fg),
                    bg: Some(background),
                    ..style
                };
            }
            let mut on: Vec<(Color, f64)> = Vec::new();
            match bg(style) {
                Some(own) => on.push((own, least)),
                None => {
                    on.extend(base_bg.map(|b| (b, least)));
                    if self.selected.fg.is_none() {
                        on.extend(selected_bg.map(|b| (b, least)));
                    }
                }
            }
            Style {
                fg: style.fg.map(|c| depth.nearest_keeping(c, &on)),
                bg: bg(style),
                ..style
            }
        };
        Self {
            base: fit(self.base, text),
            border: fit(self.border, LEAST_BORDER_CONTRAST),
            border_focus: fit(self.border_focus, text),
            title: fit(self.title, text),
            header: fit(self.header, text),
            muted: fit(self.muted, text),
            selected: fit(self.selected, text),
            follow: fit(self.follow, text),
            flash: fit(self.flash, text),
            ok: fit(self.ok, text),
            error: fit(self.error, text),
            warn: fit(self.warn, text),
            last_resort: fit(self.last_resort, text),
            reuse: fit(self.reuse, text),
            arrow: fit(self.arrow, text),
            ds: fit(self.ds, text),
            key: fit(self.key, text),
            caption: fit(self.caption, text),
        }
    }

    /// The border's contrast on the base background.
    pub fn border_contrast(&self) -> Option<f64> {
        contrast(self.border.fg?, self.base.bg?)
    }

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
    fn at_every_colour_depth_text_and_borders_keep_their_contrast() {
        use super::{least_text_contrast, ColourDepth, LEAST_BORDER_CONTRAST};
        use ratatui::style::Color;
        for depth in [
            ColourDepth::TrueColour,
            ColourDepth::Indexed256,
            ColourDepth::Ansi16,
        ] {
            for name in [ThemeName::Dark, ThemeName::Light, ThemeName::HighContrast] {
                let theme = Theme::at(name, depth);
                let least = least_text_contrast(name);
                let pairs = theme.contrasts();
                assert!(pairs.len() >= 25, "{name:?} {depth:?}: {}", pairs.len());
                for (what, ratio) in pairs {
                    let ratio = ratio.unwrap_or(0.0);
                    assert!(
                        ratio >= least,
                        "{name:?} at {depth:?}: {what} has contrast {ratio:.2}, less than {least}"
                    );
                }
                let border = theme.border_contrast().unwrap_or(0.0);
                assert!(
                    border >= LEAST_BORDER_CONTRAST,
                    "{name:?} at {depth:?}: border {border:.2}"
                );
                // Only colours the terminal has are sent.
                let styles = theme.text_styles().map(|(_, s)| s);
                for colour in styles
                    .iter()
                    .chain([&theme.border])
                    .flat_map(|s| [s.fg, s.bg])
                    .flatten()
                {
                    let fits = match (depth, colour) {
                        (ColourDepth::TrueColour, Color::Rgb(..)) => true,
                        (ColourDepth::Indexed256, Color::Indexed(_)) => true,
                        (ColourDepth::Ansi16, Color::Indexed(i)) => i < 16,
                        _ => false,
                    };
                    assert!(fits, "{name:?} at {depth:?}: {colour:?}");
                }
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
