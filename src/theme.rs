//! One theme struct, four palettes. The monochrome one marks everything with
//! modifiers (reversed, bold, underlined) and no colour, for `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};

/// The themes, in the order `t` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    Dark,
    Light,
    /// Large contrast for projectors.
    HighContrast,
    /// No colour at all (`NO_COLOR`, `--no-color`).
    Mono,
}

impl ThemeName {
    pub fn next(self) -> Self {
        match self {
            Self::Dark => Self::Light,
            Self::Light => Self::HighContrast,
            Self::HighContrast => Self::Mono,
            Self::Mono => Self::Dark,
        }
    }

    /// The theme to start with: monochrome under `--no-color` or a non-empty
    /// `NO_COLOR` (<https://no-color.org>), else the one asked for.
    pub fn choose(
        requested: Self,
        no_color_flag: bool,
        no_color_env: Option<&std::ffi::OsStr>,
    ) -> Self {
        if no_color_flag || no_color_env.is_some_and(|v| !v.is_empty()) {
            Self::Mono
        } else {
            requested
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Dark => "dark",
            Self::Light => "light",
            Self::HighContrast => "high contrast",
            Self::Mono => "monochrome",
        }
    }

    pub fn theme(self) -> Theme {
        match self {
            Self::Dark => Theme::dark(),
            Self::Light => Theme::light(),
            Self::HighContrast => Theme::high_contrast(),
            Self::Mono => Theme::mono(),
        }
    }
}

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

impl Theme {
    pub fn dark() -> Self {
        let base = Style::new().fg(Color::Gray).bg(Color::Black);
        Self {
            base,
            border: Style::new().fg(Color::DarkGray),
            border_focus: Style::new().fg(Color::Cyan),
            title: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
            header: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            muted: Style::new().fg(Color::DarkGray),
            selected: Style::new()
                .bg(Color::Rgb(40, 48, 64))
                .add_modifier(Modifier::BOLD),
            follow: Style::new()
                .fg(Color::Black)
                .bg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            flash: Style::new().fg(Color::Black).bg(Color::Yellow),
            ok: Style::new().fg(Color::Green),
            error: Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            warn: Style::new().fg(Color::Yellow),
            last_resort: Style::new()
                .fg(Color::LightBlue)
                .add_modifier(Modifier::BOLD),
            reuse: Style::new()
                .fg(Color::Black)
                .bg(Color::LightBlue)
                .add_modifier(Modifier::BOLD),
            arrow: Style::new().fg(Color::White),
            ds: Style::new()
                .fg(Color::LightGreen)
                .add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Black).bg(Color::Cyan),
            caption: Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
        }
    }

    pub fn light() -> Self {
        let base = Style::new().fg(Color::Black).bg(Color::White);
        Self {
            base,
            border: Style::new().fg(Color::Gray),
            border_focus: Style::new().fg(Color::Blue),
            title: Style::new().fg(Color::Black).add_modifier(Modifier::BOLD),
            header: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            muted: Style::new().fg(Color::DarkGray),
            selected: Style::new()
                .bg(Color::Rgb(210, 225, 245))
                .add_modifier(Modifier::BOLD),
            follow: Style::new()
                .fg(Color::White)
                .bg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            flash: Style::new().fg(Color::Black).bg(Color::LightYellow),
            ok: Style::new().fg(Color::Green),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            warn: Style::new().fg(Color::Rgb(150, 90, 0)),
            last_resort: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            reuse: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            arrow: Style::new().fg(Color::Black),
            ds: Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::White).bg(Color::Blue),
            caption: Style::new().fg(Color::Black).add_modifier(Modifier::BOLD),
        }
    }

    /// Black on white and bold everywhere that matters: readable from the back row.
    pub fn high_contrast() -> Self {
        let bold = Modifier::BOLD;
        Self {
            base: Style::new().fg(Color::White).bg(Color::Black),
            border: Style::new().fg(Color::White),
            border_focus: Style::new().fg(Color::Yellow).add_modifier(bold),
            title: Style::new().fg(Color::Yellow).add_modifier(bold),
            header: Style::new()
                .fg(Color::White)
                .add_modifier(bold | Modifier::UNDERLINED),
            muted: Style::new().fg(Color::White),
            selected: Style::new()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(bold),
            follow: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(bold),
            flash: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(bold),
            ok: Style::new().fg(Color::LightGreen).add_modifier(bold),
            error: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(bold),
            warn: Style::new().fg(Color::Yellow).add_modifier(bold),
            last_resort: Style::new().fg(Color::LightCyan).add_modifier(bold),
            reuse: Style::new()
                .fg(Color::Black)
                .bg(Color::LightCyan)
                .add_modifier(bold),
            arrow: Style::new().fg(Color::White).add_modifier(bold),
            ds: Style::new().fg(Color::LightGreen).add_modifier(bold),
            key: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(bold),
            caption: Style::new().fg(Color::Yellow).add_modifier(bold),
        }
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

#[cfg(test)]
mod tests {
    use super::ThemeName;
    use std::ffi::OsStr;

    #[test]
    fn no_color_wins_over_the_requested_theme() {
        let dark = ThemeName::Dark;
        assert_eq!(ThemeName::choose(dark, false, None), ThemeName::Dark);
        assert_eq!(ThemeName::choose(dark, true, None), ThemeName::Mono);
        assert_eq!(
            ThemeName::choose(ThemeName::HighContrast, false, Some(OsStr::new("1"))),
            ThemeName::Mono
        );
        // An empty NO_COLOR does not count (no-color.org).
        assert_eq!(
            ThemeName::choose(dark, false, Some(OsStr::new(""))),
            ThemeName::Dark
        );
    }
}
