//! The application: all UI state and one `update` that turns inputs (keys, mouse,
//! engine reports, clock ticks) into state changes and effects. Pure: no terminal,
//! no engine calls; lab actions become lines of the command vocabulary, parsed by
//! [`crate::command::parse_lines`] like scenario files and the `:` prompt.
//!
//! [`App`] is a composition of small parts, each owning its state behind a small
//! API: `mirror` (the lab as the engine last showed it), `screen` (size, focus,
//! zoom, the projector layout), [`panels`] (one folder per panel: its state, its
//! keys and its drawing, and the router that reaches them), `follow` (the
//! followed reference and what the inspector shows), `console` (the `:` prompt
//! and its history), `motion` (flashes, flights, toasts, deadlines), `work`
//! (batches in flight), `teaching` (the lesson and its stepping) and `session`
//! (the lines sent, for saving). [`action`] declares every user-visible action
//! once; `keys` routes keys to them. [`layout`] says where each panel goes (the
//! renderer and the mouse's hit-testing share it), [`draw`] holds the palettes and
//! the drawing primitives the panels share, and `settings` the start-up settings.

pub mod action;
mod caption;
pub mod complete;
mod console;
pub mod draw;
mod follow;
mod keys;
mod lab_line;
pub mod layout;
pub mod lesson;
pub mod message;
mod mirror;
pub mod motion;
mod mouse;
pub mod panels;
pub mod prompt;
mod reports;
mod screen;
pub mod session;
mod settings;
mod stage;
mod stepping;
mod work;

use std::time::Instant;

use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::layout::Rect;

pub use action::{Action, ActionSpec, Section, ACTIONS};
pub use caption::Caption;
pub use lesson::{lesson_from, Lesson, Pane, Stage, StepOutcome};
pub use message::Message;
pub use motion::{FlashKey, Flight, Toast, ToastKind, FLASH, FRAME, TOAST};
pub use panels::inspector::hex_view::{HexField, HexView};
pub use panels::why::Why;
pub use prompt::Prompt;
pub use session::{LineOutcome, SessionLine};
pub use settings::{Settings, ThemeName, DEFAULT_SPEED_MS};
pub use work::Progress;

use crate::command::{parse_lines, BadLine};
use crate::domain::KeyPackageRef;
use crate::engine::{EngineError, Event, LabView, Randomness};
use crate::worker::{Inspection, Request};
use console::Console;
use follow::Follow;
use layout::Panel;
use mirror::Mirror;
use motion::Motion;
use panels::Panels;
use screen::Screen;
use session::Session;
use stepping::Teaching;
use work::Work;

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
    Report(crate::worker::Report),
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

/// The whole UI state, in parts.
#[derive(Debug)]
pub struct App {
    settings: Settings,
    theme: ThemeName,
    mirror: Mirror,
    screen: Screen,
    panels: Panels,
    follow: Follow,
    console: Console,
    motion: Motion,
    work: Work,
    teaching: Teaching,
    session: Session,
    hint: Option<String>,
    quit: bool,
    /// Why the engine stopped, when it did: the lab ends with this reason.
    engine_stopped: Option<EngineError>,
    /// Something visible changed since the last frame.
    dirty: bool,
}

impl App {
    pub fn new(settings: Settings, now: Instant) -> Self {
        Self {
            theme: settings.theme,
            motion: Motion::new(now, settings.speed),
            settings,
            mirror: Mirror::default(),
            screen: Screen::new(Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT)),
            panels: Panels::default(),
            follow: Follow::default(),
            console: Console::default(),
            work: Work::default(),
            teaching: Teaching::default(),
            session: Session::default(),
            hint: Some(
                "Press g to generate a key package for the selected client, ? for help, : to type a command"
                    .into(),
            ),
            quit: false,
            engine_stopped: None,
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
        self.track_batch(request, work::Batch::Lines)
    }

    /// [`Self::track`] for a batch of `batch`'s kind.
    fn track_batch(&mut self, request: Request, batch: work::Batch) -> Effect {
        if let Request::Run { lines, .. } = &request {
            self.work.sent(batch, self.mirror.events().len());
            self.session.record(lines);
        }
        if !self.teaching.take_stepping() {
            self.note_lines_by_hand(&request);
        }
        Effect::Send(request)
    }

    /// The session as a scenario file that replays it (see `session.rs`).
    pub fn session_scenario(&self) -> String {
        self.session
            .scenario(self.mirror.events(), self.mirror.view())
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
                self.screen.resize(w, h);
                self.dirty = true;
                Vec::new()
            }
            Msg::Tick(now) => {
                if self.motion.tick(now) || self.work.progress().is_some() {
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
        self.mirror.view()
    }

    pub fn events(&self) -> &[Event] {
        self.mirror.events()
    }

    pub fn focus(&self) -> Panel {
        self.screen.focus()
    }

    /// Gives a panel the keys, as Tab does, without following anything.
    pub fn set_focus(&mut self, panel: Panel) {
        self.screen.set_focus(panel);
        self.dirty = true;
    }

    /// Index into `view().clients` of the client that acts.
    pub fn selected_client(&self) -> usize {
        self.panels.clients.acting()
    }

    /// The acting client's name.
    pub fn actor(&self) -> Option<&str> {
        self.view()
            .clients
            .get(self.selected_client())
            .map(|c| c.name.as_str())
    }

    pub fn zoomed(&self) -> bool {
        self.screen.zoomed()
    }

    pub fn size(&self) -> Rect {
        self.screen.size()
    }

    /// Where each panel is on a screen of `area`.
    pub fn areas(&self, area: Rect) -> layout::Areas {
        let inspector_pane = self.presenting() && self.screen.pane().shows_inspector();
        layout::compute(
            area,
            layout::Shape {
                zoom: self.screen.zoomed().then_some(self.screen.focus()),
                focus: Some(self.screen.focus()),
                clients: self.view().clients.len(),
                message_lines: self.message_lines(area.width),
                why: self.panels.why.shown(),
                projector: self.screen.presenting(),
                hex: self.panels.inspector.hex(),
                inspector_pane,
                caption_rows: if inspector_pane {
                    panels::why::caption_rows(self, area.width.saturating_sub(2))
                } else {
                    0
                },
            },
        )
    }

    /// Switches to the projector layout of `mls-lab present`: fewer, larger
    /// panels, the caption with the why pane, the timeline focused.
    pub fn present(&mut self) {
        self.screen.present();
        self.panels.why.show(true);
        self.dirty = true;
    }

    /// Whether the projector layout is on.
    pub fn presenting(&self) -> bool {
        self.screen.presenting()
    }

    /// The reference highlighted everywhere (full hex).
    pub fn followed(&self) -> Option<&KeyPackageRef> {
        self.follow.followed()
    }

    pub fn journey(&self) -> &[u64] {
        self.follow.journey()
    }

    pub fn inspection(&self) -> Option<&Inspection> {
        self.follow.inspection()
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        self.console.prompt()
    }

    pub fn history(&self) -> &[String] {
        self.console.history()
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
        self.work.progress()
    }

    pub fn batches_in_flight(&self) -> usize {
        self.work.in_flight()
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    pub fn lesson(&self) -> Option<&Lesson> {
        self.teaching.lesson()
    }

    pub fn session(&self) -> &[SessionLine] {
        self.session.lines()
    }

    pub fn should_quit(&self) -> bool {
        self.quit || self.engine_stopped.is_some()
    }

    /// Why the lab must end: its engine stopped (the DS task ended) and
    /// nothing more can run. The terminal loop ends and says so.
    pub fn engine_stopped(&self) -> Option<&EngineError> {
        self.engine_stopped.as_ref()
    }

    /// Something visible changed since the last frame. While the lab is rebuilt
    /// quietly the screen keeps its last frame, until the step it rebuilds to
    /// is shown whole.
    pub fn is_dirty(&self) -> bool {
        self.dirty && !self.work.rebuilding()
    }

    /// A frame was drawn.
    pub fn mark_drawn(&mut self) {
        self.dirty = false;
    }

    /// Messages waiting for `client` (see [`Mirror::mail_for`]).
    pub fn mail_for(&self, client: &str) -> usize {
        self.mirror.mail_for(client)
    }

    /// Total last-resort reuses counted by the DS.
    pub fn reuses(&self) -> u64 {
        self.mirror.reuses()
    }

    /// The client that generated this key package.
    pub fn owner_of(&self, kp_ref: &KeyPackageRef) -> Option<String> {
        self.mirror.owner_of(kp_ref)
    }

    /// When the next frame is due, if anything moves or expires; `None` when idle.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.motion.next_deadline(self.work.progress().is_some())
    }
}
