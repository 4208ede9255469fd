//! The screen: its size, which panel has the keys, whether one panel is zoomed,
//! and whether the projector layout of `mls-lab present` is on.

use ratatui::layout::Rect;

use super::layout::Panel;
use super::lesson::Pane;

/// Size, focus, zoom and layout.
#[derive(Debug, Clone)]
pub(super) struct Screen {
    size: Rect,
    focus: Panel,
    zoomed: bool,
    /// `mls-lab present`: the projector layout, the caption in the why pane.
    presenting: bool,
    /// What the projector layout's lower pane shows under the caption.
    pane: Pane,
}

impl Screen {
    pub(super) fn new(size: Rect) -> Self {
        Self {
            size,
            focus: Panel::KeyPackages,
            zoomed: false,
            presenting: false,
            pane: Pane::Why,
        }
    }

    pub(super) fn size(&self) -> Rect {
        self.size
    }

    pub(super) fn resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
    }

    pub(super) fn focus(&self) -> Panel {
        self.focus
    }

    pub(super) fn set_focus(&mut self, panel: Panel) {
        self.focus = panel;
    }

    pub(super) fn zoomed(&self) -> bool {
        self.zoomed
    }

    pub(super) fn toggle_zoom(&mut self) {
        self.zoomed = !self.zoomed;
    }

    pub(super) fn unzoom(&mut self) {
        self.zoomed = false;
    }

    pub(super) fn presenting(&self) -> bool {
        self.presenting
    }

    pub(super) fn pane(&self) -> &Pane {
        &self.pane
    }

    pub(super) fn set_pane(&mut self, pane: Pane) {
        self.pane = pane;
    }

    /// The projector layout, the timeline focused.
    pub(super) fn present(&mut self) {
        self.presenting = true;
        self.focus = Panel::Timeline;
    }
}
