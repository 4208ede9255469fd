//! The why pane: what the selected timeline event (or, with the inspector
//! focused, its top row) is, and the explanations `mls-lab explain` gives for
//! it: the event kind's, and the error code's when it failed. Its state is
//! whether it is shown (`y`) and which page of it (`.`); `draw` draws it, with
//! the lesson's caption first in the projector layout.

mod draw;

pub use draw::page_of;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::draw::theme::Theme;
use crate::app::layout::Panel;
use crate::app::App;
use crate::engine::Event;
use crate::explain::{self, Explanation};
use crate::worker::Inspection;

/// Whether the pane is shown, and the page asked for.
#[derive(Debug, Clone, Default)]
pub struct WhyPane {
    shown: bool,
    /// The page shown (`.`), for the subject it was asked on.
    page: (String, usize),
}

impl WhyPane {
    pub(crate) fn shown(&self) -> bool {
        self.shown
    }

    pub(crate) fn show(&mut self, shown: bool) {
        self.shown = shown;
    }

    /// The page asked for `key`, 0 when the subject changed since.
    fn page(&self, key: &str) -> usize {
        match &self.page {
            (asked, page) if asked == key => *page,
            _ => 0,
        }
    }

    /// The next page of `key` (a new subject starts on the first).
    fn next_page(&mut self, key: String) {
        let page = match &self.page {
            (asked, page) if *asked == key => page.saturating_add(1),
            _ => 1,
        };
        self.page = (key, page);
    }
}

/// Draws the pane in `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    draw::render(app, area, buf, theme);
}

/// Rows the presented caption takes at `width` columns.
pub fn caption_rows(app: &App, width: u16) -> u16 {
    let rows = draw::caption_lines(app, &Theme::mono(), usize::from(width)).len();
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// What the why pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Why {
    /// What is explained: `#12 key_package_rejected`, `inspector: key package`.
    pub subject: String,
    /// The event kind's explanation first, then the error code's, if any.
    pub explanations: Vec<&'static Explanation>,
    /// The concept it shows (`mls-lab explain` has its text), if one.
    pub concept: Option<&'static Explanation>,
}

/// An event's explanations: its kind's, then its error code's when that is a topic.
pub fn of_event(event: &Event) -> Why {
    let mut explanations: Vec<&'static Explanation> =
        explain::topic(event.kind.name()).into_iter().collect();
    if let Some(code) = event.error_code() {
        explanations.extend(explain::error(code));
    }
    let subject = match event.error_code() {
        Some(code) => format!("#{} {}: {code}", event.seq, event.kind.name()),
        None => format!("#{} {}", event.seq, event.kind.name()),
    };
    Why {
        subject,
        explanations,
        concept: explain::concepts::of_event(event.kind.name()),
    }
}

impl App {
    /// Whether the why pane is shown (`y`), and not, presenting, the inspector
    /// in its place.
    pub fn shows_why(&self) -> bool {
        self.panels.why.shown() && !(self.presenting() && self.screen.pane().shows_inspector())
    }

    /// `y`: the why pane on or off.
    pub(crate) fn toggle_why(&mut self) {
        let shown = self.panels.why.shown();
        self.panels.why.show(!shown);
    }

    /// What the pane shows a page of: the step (presenting) and the subject.
    fn why_key(&self) -> String {
        let step = self.caption().map(|c| c.step).unwrap_or_default();
        let subject = self.why().map(|w| w.subject).unwrap_or_default();
        format!("{step} {subject}")
    }

    /// `.`: the why pane's next page (the pane goes back to the first after its
    /// last when it draws); a new subject starts on the first page.
    pub(crate) fn next_why_page(&mut self) {
        let key = self.why_key();
        self.panels.why.next_page(key);
    }

    /// The page of the why pane asked for, 0 when the subject changed since.
    pub fn why_page(&self) -> usize {
        self.panels.why.page(&self.why_key())
    }

    /// What the why pane explains: with the inspector focused, its top row (a
    /// journey event, else what the inspector shows); otherwise the selected
    /// timeline event (the newest while the timeline follows it).
    pub fn why(&self) -> Option<Why> {
        if self.focus() == Panel::Inspector {
            if let Some(why) = self.why_of_inspector() {
                return Some(why);
            }
        }
        if self.visible_events() == 0 {
            return None;
        }
        // In a lesson the pane explains what the step is about, or nothing (the
        // title card, a step that logged nothing of its own).
        if self.lesson().is_some() && self.timeline_picked().is_none() {
            return None;
        }
        self.timeline_event().map(of_event)
    }

    /// The inspector's top row: a journey line is its event, any other line is
    /// the thing inspected (a key package is generated, a Welcome sent).
    fn why_of_inspector(&self) -> Option<Why> {
        let row = self.inspector_top_line();
        // Line 0 is the reference, line 1 the journey's heading, then its events.
        if self.shows_journey() {
            if let Some(event) = row
                .checked_sub(2)
                .and_then(|i| self.journey_events().nth(i))
            {
                return Some(of_event(event));
            }
        }
        let (subject, topic, concept) = match self.inspection()? {
            Inspection::KeyPackage(_) => (
                "inspector: a key package",
                "key_package_generated",
                "key-package",
            ),
            Inspection::Welcome(_) => ("inspector: a Welcome", "welcome_sent", "Welcome"),
            Inspection::Unavailable(_) => return None,
        };
        Some(Why {
            subject: subject.to_string(),
            explanations: explain::topic(topic).into_iter().collect(),
            concept: explain::concepts::concept_named(concept),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EventKind, Outcome};

    #[test]
    fn a_failure_is_explained_by_its_kind_and_its_error_code() {
        let event = Event {
            seq: 7,
            actor: "bob".into(),
            kind: EventKind::ClaimFailed {
                owner: "carol".into(),
                error: "NoKeyPackageAvailable".into(),
                message: "none left".into(),
            },
            duration_us: 0,
            outcome: Outcome::Error,
        };
        let why = of_event(&event);
        assert_eq!(why.subject, "#7 claim_failed: NoKeyPackageAvailable");
        let topics: Vec<&str> = why.explanations.iter().map(|e| e.topic).collect();
        assert_eq!(topics, ["claim_failed", "NoKeyPackageAvailable"]);
        assert_eq!(why.concept.map(|c| c.topic), Some("last-resort"));
    }
}
