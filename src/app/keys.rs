//! Keys become actions, and actions are routed: to the prompt while it is open,
//! to the help overlay while it is shown, to the lesson's stepping, to the lab
//! (lines of the command vocabulary, see `lab_line`), or to the focused panel's
//! cursor. Every action is declared in `action.rs`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::layout::Panel;
use super::{App, Effect};

pub(super) fn action_label(action: Action) -> &'static str {
    action.spec().map_or("action", |s| s.label)
}

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.perform(Action::Quit);
        }
        if self.console.is_open() {
            return self.on_prompt_key(key);
        }
        if self.panels.help.shown() {
            // The overlay takes the keys: the arrows and pages scroll it, any
            // other closes it.
            self.dirty = true;
            self.on_help_key(Action::for_key(&key));
            return Vec::new();
        }
        let action = if self.teaching.lesson().is_some() {
            Action::for_key_in_lesson(&key)
        } else {
            Action::for_key(&key)
        };
        // A restart asked: `0` again restarts, any other key keeps going.
        if self.teaching.confirming_restart() && action != Some(Action::RestartLesson) {
            self.keep_going();
            return Vec::new();
        }
        match action {
            Some(action) => self.perform(action),
            None => Vec::new(),
        }
    }

    /// Does what an action's declaration says.
    pub fn perform(&mut self, action: Action) -> Vec<Effect> {
        self.dirty = true;
        match action {
            Action::Generate
            | Action::GenerateLastResort
            | Action::Publish
            | Action::Claim
            | Action::CreateGroup
            | Action::AddMember
            | Action::SelfUpdate
            | Action::RotateLastResort => self.client_action(action),
            Action::DeliverAndJoin => self.submit("deliver", action_label(action)),
            Action::ToggleFault => {
                self.open_prompt("ds fault ", None);
                Vec::new()
            }
            Action::NextStep => self.next_step(),
            Action::PrevStep => self.previous_step(),
            Action::RestartLesson => self.restart_lesson(),
            Action::Checks => {
                self.toggle_checks();
                Vec::new()
            }
            Action::Inspector => {
                self.toggle_inspector();
                Vec::new()
            }
            // ←/→ change the acting client whatever has focus; the inspector
            // follows the new client's package (see `update`).
            Action::NextClient => {
                self.select_client(self.selected_client().saturating_add(1));
                Vec::new()
            }
            Action::PrevClient => {
                self.select_client(self.selected_client().saturating_sub(1));
                Vec::new()
            }
            // Tab moves the keys to another panel and never changes the acting client.
            Action::FocusNext => {
                self.move_focus(Panel::next);
                Vec::new()
            }
            Action::FocusPrev => {
                self.move_focus(Panel::prev);
                Vec::new()
            }
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-(self.page() as i64)),
            Action::PageDown => self.move_cursor(self.page() as i64),
            Action::Top => self.move_cursor(i64::MIN / 2),
            // On the timeline the last row is "follow the newest event".
            Action::Bottom => self.move_cursor(i64::MAX / 2),
            Action::Prompt => {
                self.open_prompt("", None);
                Vec::new()
            }
            Action::Help => {
                self.panels.help.toggle();
                Vec::new()
            }
            Action::Zoom => {
                self.screen.toggle_zoom();
                Vec::new()
            }
            Action::Why => {
                self.toggle_why();
                Vec::new()
            }
            Action::WhyMore => {
                self.next_why_page();
                Vec::new()
            }
            Action::Hex => {
                self.toggle_hex();
                Vec::new()
            }
            Action::Save => vec![Effect::SaveSession {
                contents: self.session_scenario(),
            }],
            Action::Theme => {
                self.theme = self.theme.next();
                Vec::new()
            }
            Action::Escape => {
                if self.panels.help.shown() {
                    self.panels.help.close();
                } else if self.work.in_flight() > 0 {
                    return vec![Effect::Cancel];
                } else if self.screen.zoomed() {
                    self.screen.unzoom();
                } else {
                    self.unfollow();
                }
                Vec::new()
            }
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
        }
    }
}
