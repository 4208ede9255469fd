//! The help overlay (`?`): every declared action with its keys, the lesson's
//! and the prompt's keys, the whole vocabulary and what the columns mean. Its
//! state is whether it is open and how far it is scrolled; while it is open it
//! takes the keys: the arrows scroll it, any other key closes it.

mod draw;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::draw::theme::Theme;
use crate::app::{Action, App};

/// Open or not, and the first line shown.
#[derive(Debug, Clone, Default)]
pub struct HelpOverlay {
    shown: bool,
    scroll: usize,
}

impl HelpOverlay {
    pub(crate) fn shown(&self) -> bool {
        self.shown
    }

    pub(crate) fn scroll(&self) -> usize {
        self.scroll
    }

    /// `?`: open from its top, or closed.
    pub(crate) fn toggle(&mut self) {
        self.shown = !self.shown;
        self.scroll = 0;
    }

    /// Open from its top.
    pub(crate) fn open(&mut self) {
        self.shown = true;
        self.scroll = 0;
    }

    pub(crate) fn close(&mut self) {
        self.shown = false;
    }

    /// A key's action while it is open, with `page` lines on a page and the
    /// furthest it scrolls `last`: the arrows scroll a line, PgUp and PgDn a
    /// page, Home and End to its ends; any other key closes it.
    pub(crate) fn on_action(&mut self, action: Option<Action>, page: usize, last: usize) {
        let scroll = self.scroll.min(last);
        self.scroll = match action {
            Some(Action::Down) => scroll.saturating_add(1).min(last),
            Some(Action::Up) => scroll.saturating_sub(1),
            Some(Action::PageDown) => scroll.saturating_add(page).min(last),
            Some(Action::PageUp) => scroll.saturating_sub(page),
            Some(Action::Top) => 0,
            Some(Action::Bottom) => last,
            Some(
                Action::Generate
                | Action::GenerateLastResort
                | Action::Publish
                | Action::Claim
                | Action::CreateGroup
                | Action::AddMember
                | Action::DeliverAndJoin
                | Action::SelfUpdate
                | Action::RotateLastResort
                | Action::ToggleFault
                | Action::NextStep
                | Action::PrevStep
                | Action::RestartLesson
                | Action::Checks
                | Action::Inspector
                | Action::NextClient
                | Action::PrevClient
                | Action::FocusNext
                | Action::FocusPrev
                | Action::Prompt
                | Action::Help
                | Action::Zoom
                | Action::Why
                | Action::WhyMore
                | Action::Hex
                | Action::Save
                | Action::Theme
                | Action::Escape
                | Action::Quit,
            )
            | None => {
                self.shown = false;
                scroll
            }
        };
    }
}

impl App {
    /// A key while the overlay is open.
    pub(crate) fn on_help_key(&mut self, action: Option<Action>) {
        let (page, last) = draw::pages(self.size());
        self.panels.help.on_action(action, page, last);
    }

    pub fn show_help(&self) -> bool {
        self.panels.help.shown()
    }

    pub fn help_scroll(&self) -> usize {
        self.panels.help.scroll()
    }
}

/// Draws the overlay over `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    draw::render(app, area, buf, theme);
}
