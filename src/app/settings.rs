//! The lab's start-up settings: how fast messages travel, the theme (the app's
//! setting; its palette is the UI's), the ciphersuite the keys use and the
//! terminal's colour depth.

use std::time::Duration;

use crate::app::draw::depth::ColourDepth;

/// Default travel time of a message along the timeline (`--speed`).
pub const DEFAULT_SPEED_MS: u64 = 400;

/// Start-up settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Travel time of one message along the timeline; zero draws it at once.
    pub speed: Duration,
    pub theme: ThemeName,
    /// Ciphersuite the keys use (`--suite`).
    pub suite: u16,
    /// The colours the terminal shows (`COLORTERM`, `TERM`): palettes come
    /// down to 256 or 16 colours where 24-bit colour is not announced.
    pub colours: ColourDepth,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            speed: Duration::from_millis(DEFAULT_SPEED_MS),
            theme: ThemeName::Dark,
            suite: 1,
            colours: ColourDepth::TrueColour,
        }
    }
}

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
