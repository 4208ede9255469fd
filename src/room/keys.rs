//! The room screen's keys, each declared once with its help: the help overlay
//! and the status bar read this list.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key asks of the room screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomAction {
    /// Stop the server and give the terminal back.
    Quit,
    /// Show or hide the help.
    Help,
    /// Hold the feed still, or let it follow again.
    Pause,
}

/// One key of the room screen.
#[derive(Debug, Clone, Copy)]
pub struct RoomKey {
    /// As the help and the status bar write it.
    pub label: &'static str,
    pub action: RoomAction,
    /// In the status bar (empty: only in the help).
    pub short: &'static str,
    pub help: &'static str,
    code: KeyCode,
    control: bool,
}

/// Every key, in the order the help lists them.
pub const ROOM_KEYS: &[RoomKey] = &[
    RoomKey {
        label: "q",
        short: "quit",
        action: RoomAction::Quit,
        help: "stop the server and quit (what it answered is kept in the db)",
        code: KeyCode::Char('q'),
        control: false,
    },
    RoomKey {
        label: "Ctrl-C",
        short: "",
        action: RoomAction::Quit,
        help: "the same",
        code: KeyCode::Char('c'),
        control: true,
    },
    RoomKey {
        label: "p",
        short: "pause feed",
        action: RoomAction::Pause,
        help: "pause the feed (to read it); again to follow it",
        code: KeyCode::Char('p'),
        control: false,
    },
    RoomKey {
        label: "?",
        short: "help",
        action: RoomAction::Help,
        help: "this help; Esc or ? closes it",
        code: KeyCode::Char('?'),
        control: false,
    },
];

impl RoomKey {
    fn matches(&self, key: &KeyEvent) -> bool {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        key.code == self.code && control == self.control
    }
}

/// The action of a key press (releases and repeats of nothing do nothing).
pub fn action_for(key: &KeyEvent) -> Option<RoomAction> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    ROOM_KEYS
        .iter()
        .find(|declared| declared.matches(key))
        .map(|declared| declared.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_and_ctrl_c_quit_and_a_plain_c_does_nothing() {
        let press = |code, modifiers| KeyEvent::new(code, modifiers);
        let none = KeyModifiers::NONE;
        assert_eq!(
            action_for(&press(KeyCode::Char('q'), none)),
            Some(RoomAction::Quit)
        );
        assert_eq!(
            action_for(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(RoomAction::Quit)
        );
        assert_eq!(action_for(&press(KeyCode::Char('c'), none)), None);
        // Some terminals report the shift that typed `?`.
        assert_eq!(
            action_for(&press(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(RoomAction::Help)
        );
        assert_eq!(
            action_for(&press(KeyCode::Char('?'), none)),
            Some(RoomAction::Help)
        );
    }
}
