//! The application: all UI state and one `update` that turns inputs (keys, mouse,
//! engine reports, clock ticks) into state changes and effects. Pure: no terminal,
//! no engine calls; lab actions become lines of the command vocabulary, parsed by
//! [`crate::command::parse_lines`] like scenario files and the `:` prompt.
//!
//! The state is split by concern, each part private with a small API:
//! `prompt` (editing, history, completion), `lesson` and `session` (stepping and
//! recording), `motion` (flashes, flights, toasts, deadlines), `selection` (focus,
//! cursors, mouse) and `follow` (the followed reference and the inspector).
//! `ui` reads everything through the accessors below. [`layout`] says where each
//! panel goes (the renderer and the mouse's hit-testing share it) and `settings`
//! holds the start-up settings, the theme among them.

pub mod action;
pub mod complete;
mod follow;
pub mod hex;
mod keys;
pub mod layout;
pub mod lesson;
mod message;
pub mod motion;
pub mod prompt;
mod reports;
mod selection;
pub mod session;
mod settings;
mod stepping;
pub mod why;

use std::time::Instant;

use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::layout::Rect;

pub use action::{Action, ActionSpec, Section, ACTIONS};
pub use lesson::{lesson_from, Lesson};
pub use message::Message;
pub use motion::{FlashKey, Flight, Toast, ToastKind, FLASH, FRAME, TOAST};
pub use prompt::Prompt;
pub use session::{LineOutcome, SessionLine};
pub use settings::{Settings, ThemeName, DEFAULT_SPEED_MS};
pub use stepping::Caption;
pub use why::Why;

use crate::command::{parse_lines, BadLine};
use crate::domain::KeyPackageRef;
use crate::engine::{Event, LabView, Randomness};
use crate::worker::{Inspection, Report, Request};
use follow::Follow;
use layout::Panel;
use motion::Motion;
use prompt::History;
use selection::Selection;
use session::Session;

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// One input to [`App::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (animations, flashes, toasts).
    Tick(Instant),
    Report(Report),
    Action(Action),
    /// Where the session was saved, or why it could not be.
    Saved(Result<String, String>),
    /// The recording (`--record`) stopped, for this reason; the session goes on.
    RecordingStopped(String),
}

/// What `update` asks the outside world to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Send(Request),
    /// Stop the running batch after its current step.
    Cancel,
    /// Write the session (a replayable scenario with its transcript) to a new file.
    SaveSession {
        contents: String,
    },
    /// Replace the engine with a fresh one started from `randomness` (a lesson
    /// stepping back rebuilds the lab); the requests after it go to the new one.
    ResetLab {
        randomness: Randomness,
    },
}

/// A batch running on the engine thread: `done` of `total` steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub label: String,
    pub done: usize,
    pub total: usize,
}

/// The whole UI state.
#[derive(Debug)]
pub struct App {
    settings: Settings,
    theme: ThemeName,
    view: LabView,
    events: Vec<Event>,
    selection: Selection,
    follow: Follow,
    prompt: Option<Prompt>,
    history: History,
    motion: Motion,
    progress: Option<Progress>,
    /// Batches sent and not finished.
    batches_in_flight: usize,
    hint: Option<String>,
    lesson: Option<Lesson>,
    /// The next request tracked is a lesson's own (not ad-libbing).
    stepping: bool,
    /// Where the lab's keys come from: a rebuilt lab starts from the same.
    randomness: Randomness,
    session: Session,
    /// The line last typed at the prompt, until it finishes (for its feedback).
    typed: Option<String>,
    /// A client to select once it exists (the actor of a line just sent).
    select_next: Option<String>,
    quit: bool,
    /// `mls-lab present`: the projector layout, the caption in the why pane.
    presenting: bool,
    /// Something visible changed since the last frame.
    dirty: bool,
}

impl App {
    pub fn new(settings: Settings, now: Instant) -> Self {
        Self {
            theme: settings.theme,
            motion: Motion::new(now, settings.speed),
            settings,
            view: LabView::default(),
            events: Vec::new(),
            selection: Selection::new(Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT)),
            follow: Follow::default(),
            prompt: None,
            history: History::default(),
            progress: None,
            batches_in_flight: 0,
            hint: Some(
                "Press g to generate a key package for the selected client, ? for help, : to type a command"
                    .into(),
            ),
            lesson: None,
            stepping: false,
            randomness: Randomness::System,
            session: Session::default(),
            typed: None,
            select_next: None,
            quit: false,
            presenting: false,
            dirty: true,
        }
    }

    /// The request that runs `lines`, parsed as the lines of a scenario file
    /// ([`parse_lines`], the runner's parser); `Err` is the first bad line.
    pub fn run_request(label: &str, lines: &[&str]) -> Result<Request, BadLine> {
        let lines = match parse_lines(&lines.join("\n")) {
            Ok(lines) => lines,
            // parse_lines fails only with at least one bad line.
            Err(bad) => match bad.into_iter().next() {
                Some(first) => return Err(first),
                None => Vec::new(),
            },
        };
        Ok(Request::Run {
            label: label.to_string(),
            lines,
        })
    }

    /// Records a request's lines in the session and returns the effect that sends it.
    /// Every batch of lines goes through here, wherever it comes from.
    pub fn track(&mut self, request: Request) -> Effect {
        if let Request::Run { lines, .. } = &request {
            self.batches_in_flight += 1;
            self.session.record(lines);
        }
        if !std::mem::take(&mut self.stepping) {
            self.note_lines_by_hand(&request);
        }
        Effect::Send(request)
    }

    /// The session as a scenario file that replays it (see `session.rs`).
    pub fn session_scenario(&self) -> String {
        self.session.scenario(&self.events, &self.view)
    }

    /// Loads a lesson to step through with Space.
    pub fn load_lesson(&mut self, lesson: Lesson) {
        self.hint = Some(format!(
            "Lesson {}: {} steps. Space or → runs the next, Backspace or ← goes back, ? for help",
            lesson.name,
            lesson.steps.len()
        ));
        self.lesson = Some(lesson);
        self.dirty = true;
    }

    /// Applies one input; returns what the outside world must do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = self.handle(msg);
        effects.extend(self.align_inspector());
        effects
    }

    fn handle(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Paste(text) => self.on_paste(&text),
            Msg::Resize(w, h) => {
                self.selection.size = Rect::new(0, 0, w, h);
                self.dirty = true;
                Vec::new()
            }
            Msg::Tick(now) => {
                if self.motion.tick(now) || self.progress.is_some() {
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Report(report) => self.on_report(report),
            Msg::Action(action) => self.perform(action),
            Msg::Saved(Ok(path)) => {
                self.toast(
                    format!("Session saved to {path}: replay it with mls-lab run {path}"),
                    ToastKind::Done,
                );
                Vec::new()
            }
            Msg::RecordingStopped(why) => {
                self.toast(format!("Recording: {why}"), ToastKind::Error);
                Vec::new()
            }
            Msg::Saved(Err(why)) => {
                self.toast(
                    format!("The session could not be saved: {why}"),
                    ToastKind::Error,
                );
                Vec::new()
            }
        }
    }

    fn toast(&mut self, text: String, kind: ToastKind) {
        self.motion.toast(text, kind);
        self.dirty = true;
    }

    // ------------------------------------------------------------ accessors

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn theme(&self) -> ThemeName {
        self.theme
    }

    pub fn view(&self) -> &LabView {
        &self.view
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn focus(&self) -> Panel {
        self.selection.focus
    }

    /// Gives a panel the keys, as Tab does, without following anything.
    pub fn set_focus(&mut self, panel: Panel) {
        self.selection.focus = panel;
        self.dirty = true;
    }

    /// Index into `view().clients` of the client that acts.
    pub fn selected_client(&self) -> usize {
        self.selection.selected_client
    }

    /// The acting client's name.
    pub fn actor(&self) -> Option<&str> {
        self.view
            .clients
            .get(self.selection.selected_client)
            .map(|c| c.name.as_str())
    }

    /// Whether the timeline follows the newest event (no row picked).
    pub fn timeline_follows_newest(&self) -> bool {
        self.selection.timeline_cursor.is_none()
    }

    /// The timeline row selected, resolving "follow the newest".
    pub fn timeline_row(&self) -> usize {
        self.selection
            .timeline_cursor
            .unwrap_or_else(|| self.visible_events().saturating_sub(1))
    }

    /// Events drawn on the timeline: all except those still waiting to travel.
    pub fn visible_events(&self) -> usize {
        match self.motion.first_waiting() {
            Some(seq) => (seq as usize).saturating_sub(1).min(self.events.len()),
            None => self.events.len(),
        }
    }

    pub fn zoomed(&self) -> bool {
        self.selection.zoomed
    }

    pub fn show_help(&self) -> bool {
        self.selection.show_help
    }

    pub fn help_scroll(&self) -> usize {
        self.selection.help_scroll
    }

    pub fn size(&self) -> Rect {
        self.selection.size
    }

    /// Where each panel is on a screen of `area`.
    pub fn areas(&self, area: Rect) -> layout::Areas {
        layout::compute(
            area,
            layout::Shape {
                zoom: self.selection.zoomed.then_some(self.selection.focus),
                focus: Some(self.selection.focus),
                clients: self.view.clients.len(),
                message_lines: self.message_lines(area.width),
                why: self.selection.show_why,
                projector: self.presenting,
                hex: self.selection.hex,
            },
        )
    }

    /// Switches to the projector layout of `mls-lab present`: fewer, larger
    /// panels, the caption with the why pane, the timeline focused.
    pub fn present(&mut self) {
        self.presenting = true;
        self.selection.show_why = true;
        self.selection.focus = Panel::Timeline;
        self.dirty = true;
    }

    /// Whether the projector layout is on.
    pub fn presenting(&self) -> bool {
        self.presenting
    }

    /// The reference highlighted everywhere (full hex).
    pub fn followed(&self) -> Option<&KeyPackageRef> {
        self.follow.followed.as_ref()
    }

    pub fn journey(&self) -> &[u64] {
        &self.follow.journey
    }

    pub fn inspection(&self) -> Option<&Inspection> {
        self.follow.inspection.as_ref()
    }

    pub fn inspector_scroll(&self) -> usize {
        self.selection.inspector_scroll
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    pub fn history(&self) -> &[String] {
        self.history.lines()
    }

    pub fn toasts(&self) -> &[Toast] {
        self.motion.toasts()
    }

    pub fn now(&self) -> Instant {
        self.motion.now()
    }

    /// The clock moved without a tick (an input arrived).
    pub fn set_now(&mut self, now: Instant) {
        self.motion.set_now(now);
    }

    pub fn is_flashing(&self, key: &FlashKey) -> bool {
        self.motion.is_flashing(key)
    }

    /// The message moving now.
    pub fn flight(&self) -> Option<Flight> {
        self.motion.flight()
    }

    /// The batch reporting progress, if any.
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    pub fn batches_in_flight(&self) -> usize {
        self.batches_in_flight
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    pub fn lesson(&self) -> Option<&Lesson> {
        self.lesson.as_ref()
    }

    pub fn session(&self) -> &[SessionLine] {
        self.session.lines()
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Something visible changed since the last frame.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// A frame was drawn.
    pub fn mark_drawn(&mut self) {
        self.dirty = false;
    }

    /// Messages waiting for `client`: the DS keeps its mailbox until they are
    /// processed, so a fetched message is still counted there (the larger of the
    /// two counts, never their sum).
    pub fn mail_for(&self, client: &str) -> usize {
        let at_ds = self.view.ds.clients.get(client).map_or(0, |d| d.inbox);
        let fetched = self
            .view
            .clients
            .iter()
            .find(|c| c.name == client)
            .map_or(0, |c| c.pending);
        at_ds.max(fetched)
    }

    /// Total last-resort reuses counted by the DS.
    pub fn reuses(&self) -> u64 {
        self.view
            .ds
            .clients
            .values()
            .map(|d| d.last_resort_reuses)
            .sum()
    }

    /// When the next frame is due, if anything moves or expires; `None` when idle.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.motion.next_deadline(self.progress.is_some())
    }
}
