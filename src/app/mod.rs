//! The application: all UI state and one `update` that turns inputs (keys, mouse,
//! engine reports, clock ticks) into state changes and effects. Pure: no terminal,
//! no engine calls; lab actions become lines of the command vocabulary, parsed by
//! [`crate::command::parse_line`] like scenario files and the `:` prompt.

pub mod action;

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

pub use action::{Action, ActionSpec, Section, ACTIONS};

use crate::command::parse_line;
use crate::engine::{Event, EventKind, LabView, Outcome};
use crate::ui::layout::{self, Panel};
use crate::ui::theme::ThemeName;
use crate::worker::{Inspection, Line, Report, Request};

/// How long a new item stays highlighted.
pub const FLASH: Duration = Duration::from_millis(1500);
/// How long a toast stays.
pub const TOAST: Duration = Duration::from_secs(5);
/// Frame interval while something moves.
pub const FRAME: Duration = Duration::from_millis(33);
/// At most this many messages wait to travel along the timeline; older ones land at once.
const MAX_FLIGHTS: usize = 6;
/// Default travel time of a message along the timeline (`--speed`).
pub const DEFAULT_SPEED_MS: u64 = 400;
/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Start-up settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Travel time of one message along the timeline; zero draws it at once.
    pub speed: Duration,
    pub theme: ThemeName,
    /// Ciphersuite the keys use (`--suite`).
    pub suite: u16,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            speed: Duration::from_millis(DEFAULT_SPEED_MS),
            theme: ThemeName::Dark,
            suite: 1,
        }
    }
}

/// One input to [`App::update`].
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// The clock moved (animations, flashes, toasts).
    Tick(Instant),
    Report(Report),
    Action(Action),
    /// Where the session was saved, or why it could not be.
    Saved(Result<String, String>),
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
}

/// What a client action does: run a line, or start one at the prompt.
enum LabLine {
    Run(String),
    Ask { text: String, cursor: usize },
}

/// The `:` prompt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub input: String,
    /// Cursor position in chars.
    pub cursor: usize,
    /// Why the last Enter was refused.
    pub error: Option<String>,
    /// Position while walking the history (`None`: editing a new line).
    pub history_pos: Option<usize>,
    /// What Tab could complete to, when it is more than one word.
    pub completions: Vec<String>,
}

/// A short message at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until: Instant,
}

/// A batch running on the engine thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    pub label: String,
    pub done: usize,
    pub total: usize,
}

/// What flashes: a reference (hex), a group, a client or an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FlashKey {
    Ref(String),
    Group(String),
    Client(String),
    Event(u64),
}

/// A message travelling along the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flight {
    pub seq: u64,
    /// 0.0 at the sender, 1.0 at the receiver.
    pub progress: f32,
}

/// One line sent to the engine in this session, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLine {
    pub text: String,
    pub expect: bool,
    /// `None` until it finished (or if it was stopped); `Some(Err(code))` when it failed.
    pub outcome: Option<Result<(), String>>,
}

/// A scenario loaded for stepping: each step is a line with the comment above it.
#[derive(Debug, Clone, Default)]
pub struct Lesson {
    pub name: String,
    pub steps: Vec<(String, Line)>,
    pub next: usize,
}

/// The whole UI state.
#[derive(Debug)]
pub struct App {
    pub settings: Settings,
    pub theme: ThemeName,
    pub view: LabView,
    pub events: Vec<Event>,
    pub focus: Panel,
    /// Index into `view.clients`.
    pub client: usize,
    pub kp_cursor: usize,
    pub ds_cursor: usize,
    pub group_cursor: usize,
    /// `None`: the timeline follows the newest event.
    pub timeline_cursor: Option<usize>,
    pub inspector_scroll: usize,
    /// The reference highlighted everywhere (full hex).
    pub followed: Option<String>,
    /// Every event that mentions the followed reference, oldest first: its journey
    /// from storage to the DS, into a Welcome and back to its owner's storage.
    pub journey: Vec<u64>,
    pub inspection: Option<Inspection>,
    pub prompt: Option<Prompt>,
    pub history: Vec<String>,
    pub toasts: Vec<Toast>,
    pub flashes: HashMap<FlashKey, Instant>,
    /// When flashes end, oldest first (each batch of new items ends together), so
    /// the next deadline is found without walking every flash.
    flash_ends: VecDeque<Instant>,
    /// Events waiting to travel, oldest first; the first one is moving.
    pub flights: VecDeque<u64>,
    flight_started: Option<Instant>,
    pub busy: Option<Busy>,
    /// Batches sent and not finished.
    pub running: usize,
    pub show_help: bool,
    /// First line of the help overlay shown (it scrolls on small screens).
    pub help_scroll: usize,
    pub zoomed: bool,
    pub size: Rect,
    pub now: Instant,
    pub hint: Option<String>,
    pub lesson: Option<Lesson>,
    /// Every line sent to the engine, in order, for saving the session.
    pub session: Vec<SessionLine>,
    /// How many of `session` have been matched with a finished report.
    session_done: usize,
    /// A client to select once it exists (the actor of a line just sent).
    select_next: Option<String>,
    /// The caption of the lesson step last run.
    pub caption: Option<String>,
    pub quit: bool,
    /// Something visible changed since the last frame.
    pub dirty: bool,
}

impl App {
    pub fn new(settings: Settings, now: Instant) -> Self {
        Self {
            theme: settings.theme,
            settings,
            view: LabView::default(),
            events: Vec::new(),
            focus: Panel::KeyPackages,
            client: 0,
            kp_cursor: 0,
            ds_cursor: 0,
            group_cursor: 0,
            timeline_cursor: None,
            inspector_scroll: 0,
            followed: None,
            journey: Vec::new(),
            inspection: None,
            prompt: None,
            history: Vec::new(),
            toasts: Vec::new(),
            flashes: HashMap::new(),
            flash_ends: VecDeque::new(),
            flights: VecDeque::new(),
            flight_started: None,
            busy: None,
            running: 0,
            show_help: false,
            help_scroll: 0,
            zoomed: false,
            size: Rect::new(0, 0, MIN_WIDTH, MIN_HEIGHT),
            now,
            hint: Some(
                "Press g to generate a key package for the selected client, ? for help, : to type a command"
                    .into(),
            ),
            lesson: None,
            session: Vec::new(),
            session_done: 0,
            select_next: None,
            caption: None,
            quit: false,
            dirty: true,
        }
    }

    /// The request that runs `lines` (each parsed by the one parser); `Err` names
    /// the first bad line.
    pub fn run_request(label: &str, lines: &[&str]) -> Result<Request, String> {
        let mut parsed = Vec::new();
        for text in lines {
            match parse_line(text) {
                Ok(Some(command)) => parsed.push(Line {
                    text: text.trim().to_string(),
                    command,
                }),
                Ok(None) => {}
                Err(error) => return Err(format!("{}: {error}", text.trim())),
            }
        }
        Ok(Request::Run {
            label: label.to_string(),
            lines: parsed,
        })
    }

    /// Records a request's lines in the session and returns the effect that sends it.
    /// Every batch of lines goes through here, wherever it comes from.
    pub fn track(&mut self, request: Request) -> Effect {
        if let Request::Run { lines, .. } = &request {
            self.running += 1;
            self.session.extend(lines.iter().map(|line| SessionLine {
                text: line.text.clone(),
                expect: matches!(line.command, crate::command::Command::Expect(_)),
                outcome: None,
            }));
        }
        Effect::Send(request)
    }

    /// The session as a scenario file: every line in order, `expect error CODE`
    /// after each that failed (so that `mls-lab run` replays it as it happened), and
    /// the transcript of events as comments.
    pub fn session_scenario(&self) -> String {
        let mut out = String::from(
            "# An MLS Onboarding Lab session. Replay it with `mls-lab run FILE`,\n\
             # or step through it with `mls-lab --scenario FILE --step`.\n",
        );
        for line in &self.session {
            match &line.outcome {
                Some(Ok(())) => out.push_str(&format!("{}\n", line.text)),
                Some(Err(_)) if line.expect => {
                    out.push_str(&format!("# this expectation did not hold: {}\n", line.text))
                }
                Some(Err(code)) => out.push_str(&format!("{}\nexpect error {code}\n", line.text)),
                None => out.push_str(&format!("# stopped before it finished: {}\n", line.text)),
            }
        }
        out.push_str("\n# Transcript\n");
        for event in &self.events {
            out.push_str(&format!("# {}\n", crate::runner::event_text(event)));
        }
        out
    }

    /// Loads a lesson to step through with Space.
    pub fn load_lesson(&mut self, lesson: Lesson) {
        self.hint = Some(format!(
            "Lesson {}: {} steps. Press Space for the next step, ? for help",
            lesson.name,
            lesson.steps.len()
        ));
        self.lesson = Some(lesson);
        self.dirty = true;
    }

    /// Where each panel is on a screen of `area`.
    pub fn areas(&self, area: Rect) -> layout::Areas {
        layout::compute(
            area,
            self.zoomed.then_some(self.focus),
            self.view.clients.len(),
        )
    }

    /// The selected client's name.
    pub fn actor(&self) -> Option<&str> {
        self.view.clients.get(self.client).map(|c| c.name.as_str())
    }

    /// The timeline row selected, resolving "follow the newest".
    pub fn timeline_row(&self) -> usize {
        self.timeline_cursor
            .unwrap_or_else(|| self.visible_events().saturating_sub(1))
    }

    /// Events drawn on the timeline: all except those still waiting to travel.
    pub fn visible_events(&self) -> usize {
        match self.flights.front() {
            Some(seq) => (*seq as usize).saturating_sub(1).min(self.events.len()),
            None => self.events.len(),
        }
    }

    /// The message moving now.
    pub fn flight(&self) -> Option<Flight> {
        let seq = *self.flights.front()?;
        let started = self.flight_started?;
        let speed = self.settings.speed.as_secs_f32();
        let progress = if speed <= 0.0 {
            1.0
        } else {
            (self.now.saturating_duration_since(started).as_secs_f32() / speed).min(1.0)
        };
        Some(Flight { seq, progress })
    }

    pub fn is_flashing(&self, key: &FlashKey) -> bool {
        self.flashes.get(key).is_some_and(|until| *until > self.now)
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
        let mut next: Option<Instant> = None;
        let mut consider = |t: Instant| {
            next = Some(next.map_or(t, |n: Instant| n.min(t)));
        };
        if !self.flights.is_empty() {
            consider(self.now + FRAME);
        }
        if self.busy.is_some() {
            consider(self.now + Duration::from_millis(120));
        }
        if let Some(until) = self.flash_ends.iter().find(|u| **u > self.now) {
            consider(*until);
        }
        for toast in &self.toasts {
            consider(toast.until);
        }
        next
    }

    /// Applies one input; returns what the outside world must do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(mouse) => self.on_mouse(mouse),
            Msg::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.dirty = true;
                Vec::new()
            }
            Msg::Tick(now) => {
                self.on_tick(now);
                Vec::new()
            }
            Msg::Report(report) => self.on_report(report),
            Msg::Action(action) => self.perform(action),
            Msg::Saved(Ok(path)) => {
                self.toast(
                    format!("Session saved to {path}: replay it with mls-lab run {path}"),
                    false,
                );
                Vec::new()
            }
            Msg::Saved(Err(why)) => {
                self.toast(format!("The session could not be saved: {why}"), true);
                Vec::new()
            }
        }
    }

    fn on_tick(&mut self, now: Instant) {
        self.now = now;
        let before = (self.flashes.len(), self.toasts.len(), self.flights.len());
        while self.flash_ends.front().is_some_and(|u| *u <= now) {
            self.flash_ends.pop_front();
            self.flashes.retain(|_, until| *until > now);
        }
        self.toasts.retain(|t| t.until > now);
        self.advance_flights();
        let after = (self.flashes.len(), self.toasts.len(), self.flights.len());
        if before != after || !self.flights.is_empty() || self.busy.is_some() {
            self.dirty = true;
        }
    }

    fn advance_flights(&mut self) {
        while let Some(flight) = self.flight() {
            if flight.progress < 1.0 {
                return;
            }
            self.flights.pop_front();
            self.flight_started = self.flights.front().map(|_| self.now);
        }
        if self.flights.is_empty() {
            self.flight_started = None;
        } else if self.flight_started.is_none() {
            self.flight_started = Some(self.now);
        }
    }

    fn toast(&mut self, text: String, error: bool) {
        self.toasts.push(Toast {
            text,
            error,
            until: self.now + TOAST,
        });
        if self.toasts.len() > 3 {
            self.toasts.remove(0);
        }
        self.dirty = true;
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return self.perform(Action::Quit);
        }
        if self.prompt.is_some() {
            return self.on_prompt_key(key);
        }
        if self.show_help {
            // The arrows scroll the overlay; any other key closes it.
            self.dirty = true;
            match Action::for_key(&key) {
                Some(Action::Down | Action::PageDown) => self.help_scroll += 1,
                Some(Action::Up | Action::PageUp) => {
                    self.help_scroll = self.help_scroll.saturating_sub(1)
                }
                _ => self.show_help = false,
            }
            return Vec::new();
        }
        match Action::for_key(&key) {
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
            Action::NextStep => self.next_step(),
            Action::NextClient => {
                self.select_client(self.client.saturating_add(1));
                self.follow_selection()
            }
            Action::PrevClient => {
                self.select_client(self.client.saturating_sub(1));
                self.follow_selection()
            }
            Action::FocusNext => {
                self.focus = self.focus.next();
                self.follow_selection()
            }
            Action::FocusPrev => {
                self.focus = self.focus.prev();
                self.follow_selection()
            }
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-(self.page() as i64)),
            Action::PageDown => self.move_cursor(self.page() as i64),
            Action::Top => self.move_cursor(i64::MIN / 2),
            Action::Bottom if self.focus == Panel::Timeline => {
                self.timeline_cursor = None;
                self.follow_selection()
            }
            Action::Bottom => self.move_cursor(i64::MAX / 2),
            Action::Prompt => {
                self.open_prompt(String::new(), None);
                Vec::new()
            }
            Action::Help => {
                self.show_help = !self.show_help;
                self.help_scroll = 0;
                Vec::new()
            }
            Action::Zoom => {
                self.zoomed = !self.zoomed;
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
                if self.show_help {
                    self.show_help = false;
                } else if self.running > 0 {
                    return vec![Effect::Cancel];
                } else if self.zoomed {
                    self.zoomed = false;
                } else {
                    self.followed = None;
                    self.journey.clear();
                    self.inspection = None;
                }
                Vec::new()
            }
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
        }
    }

    /// Something the selected client does: a line to run, or one to finish at the prompt.
    fn client_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(actor) = self.actor().map(str::to_string) else {
            self.toast(
                "There is no client yet: create one with :clients NAME".into(),
                true,
            );
            return Vec::new();
        };
        match self.lab_line(action, &actor) {
            LabLine::Run(line) => self.submit(&line, action_label(action)),
            LabLine::Ask { text, cursor } => {
                self.open_prompt(text, Some(cursor));
                Vec::new()
            }
        }
    }

    /// The line a client action stands for, in the scenario syntax; actions that
    /// need an argument start the line at the prompt for the user to finish.
    fn lab_line(&self, action: Action, actor: &str) -> LabLine {
        let suite = match self.settings.suite {
            1 => String::new(),
            n => format!(" --suite {n}"),
        };
        // The argument the user types goes right after the verb; options follow it.
        let ask = |verb: &str, options: String| {
            let text = format!("{actor} {verb} ");
            LabLine::Ask {
                cursor: text.chars().count(),
                text: format!("{text}{options}"),
            }
        };
        match action {
            Action::GenerateLastResort => {
                LabLine::Run(format!("{actor} generate --last-resort{suite}"))
            }
            Action::Publish => LabLine::Run(format!("{actor} publish --all")),
            Action::SelfUpdate => LabLine::Run(format!("{actor} self-update")),
            Action::RotateLastResort => LabLine::Run(format!("{actor} rotate-last-resort{suite}")),
            Action::Claim => ask("claim", suite),
            Action::CreateGroup => ask("create-group", suite),
            Action::AddMember => match self.group_of(actor) {
                Some(group) => ask("add", format!(" --to {group}")),
                None => ask("add", String::new()),
            },
            // `Action::Generate`, the one client action left (see `perform`).
            _ => LabLine::Run(format!("{actor} generate{suite}")),
        }
    }

    /// A group `actor` is in: the selected one in the groups panel if it is theirs.
    fn group_of(&self, actor: &str) -> Option<String> {
        let is_member = |g: &crate::engine::GroupPanel| g.members.iter().any(|m| m.client == actor);
        let selected = self.group_rows().get(self.group_cursor).map(|(g, _)| *g);
        selected
            .and_then(|i| self.view.groups.get(i))
            .filter(|g| is_member(g))
            .or_else(|| self.view.groups.iter().rev().find(|g| is_member(g)))
            .map(|g| g.name.clone())
    }

    /// Parses `line` with the one parser and sends it; a bad line changes nothing.
    fn submit(&mut self, line: &str, label: &str) -> Vec<Effect> {
        match Self::run_request(label, &[line]) {
            Ok(request) => {
                self.hint = None;
                vec![self.track(request)]
            }
            Err(error) => {
                self.toast(error, true);
                Vec::new()
            }
        }
    }

    fn next_step(&mut self) -> Vec<Effect> {
        let Some(lesson) = self.lesson.as_mut() else {
            self.toast(
                "No lesson is loaded: start with --scenario FILE --step".into(),
                true,
            );
            return Vec::new();
        };
        let Some((caption, line)) = lesson.steps.get(lesson.next).cloned() else {
            let text = format!("{}: the lesson is over", lesson.name);
            self.toast(text, false);
            return Vec::new();
        };
        lesson.next += 1;
        // The step number first: a long caption may be cut at the screen's edge.
        let number = format!("[{}/{}]", lesson.next, lesson.steps.len());
        self.caption = Some(if caption.is_empty() {
            format!("{number} {}", line.text)
        } else {
            format!("{number} {caption} · {}", line.text)
        });
        self.hint = None;
        let request = Request::Run {
            label: line.text.clone(),
            lines: vec![line],
        };
        self.select_actor_of(&request);
        vec![self.track(request)]
    }

    /// Shows the client a typed or stepped line acts as, so its key packages are on
    /// screen while it runs.
    fn select_actor_of(&mut self, request: &Request) {
        let Request::Run { lines, .. } = request else {
            return;
        };
        let Some(crate::command::Command::Client { client, .. }) =
            lines.first().map(|l| &l.command)
        else {
            return;
        };
        match self.view.clients.iter().position(|c| &c.name == client) {
            Some(index) => self.select_client(index),
            None => self.select_next = Some(client.clone()),
        }
    }

    fn open_prompt(&mut self, input: String, cursor: Option<usize>) {
        let cursor = cursor.unwrap_or_else(|| input.chars().count());
        self.prompt = Some(Prompt {
            input,
            cursor,
            error: None,
            history_pos: None,
            completions: Vec::new(),
        });
        self.dirty = true;
    }

    fn on_prompt_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        self.dirty = true;
        let byte_at =
            |s: &str, chars: usize| s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i);
        if key.code != KeyCode::Tab {
            prompt.completions.clear();
        }
        match key.code {
            KeyCode::Tab => {
                let candidates = completion_candidates(&self.view, &prompt.input, prompt.cursor);
                complete(prompt, &candidates);
            }
            KeyCode::Esc => self.prompt = None,
            KeyCode::Enter => {
                let text = prompt.input.trim().to_string();
                if text.is_empty() {
                    self.prompt = None;
                    return Vec::new();
                }
                match Self::run_request(&text, &[&text]) {
                    Ok(request) => {
                        if self.history.last() != Some(&text) {
                            self.history.push(text);
                        }
                        self.prompt = None;
                        self.hint = None;
                        self.select_actor_of(&request);
                        return vec![self.track(request)];
                    }
                    Err(error) => {
                        // The line stays for fixing; nothing ran.
                        let message = error
                            .split_once(": ")
                            .map_or(error.clone(), |(_, m)| m.to_string());
                        prompt.error = Some(first_line(&message));
                    }
                }
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                let at = byte_at(&prompt.input, prompt.cursor);
                prompt.input.insert(at, c);
                prompt.cursor += 1;
                prompt.error = None;
            }
            KeyCode::Char('u') => {
                prompt.input.clear();
                prompt.cursor = 0;
                prompt.error = None;
            }
            KeyCode::Backspace if prompt.cursor > 0 => {
                prompt.cursor -= 1;
                let at = byte_at(&prompt.input, prompt.cursor);
                prompt.input.remove(at);
                prompt.error = None;
            }
            KeyCode::Delete if prompt.cursor < prompt.input.chars().count() => {
                let at = byte_at(&prompt.input, prompt.cursor);
                prompt.input.remove(at);
            }
            KeyCode::Left => prompt.cursor = prompt.cursor.saturating_sub(1),
            KeyCode::Right => prompt.cursor = (prompt.cursor + 1).min(prompt.input.chars().count()),
            KeyCode::Home => prompt.cursor = 0,
            KeyCode::End => prompt.cursor = prompt.input.chars().count(),
            KeyCode::Up if !self.history.is_empty() => {
                let pos = match prompt.history_pos {
                    Some(p) => p.saturating_sub(1),
                    None => self.history.len() - 1,
                };
                prompt.history_pos = Some(pos);
                prompt.input = self.history[pos].clone();
                prompt.cursor = prompt.input.chars().count();
                prompt.error = None;
            }
            KeyCode::Down => {
                if let Some(pos) = prompt.history_pos {
                    if pos + 1 < self.history.len() {
                        prompt.history_pos = Some(pos + 1);
                        prompt.input = self.history[pos + 1].clone();
                    } else {
                        prompt.history_pos = None;
                        prompt.input.clear();
                    }
                    prompt.cursor = prompt.input.chars().count();
                    prompt.error = None;
                }
            }
            _ => self.dirty = false,
        }
        Vec::new()
    }

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        if self.prompt.is_some() || self.show_help {
            return Vec::new();
        }
        let areas = self.areas(self.size);
        let position = Position::new(mouse.column, mouse.row);
        let Some((panel, area)) = areas.panels.iter().find(|(_, r)| r.contains(position)) else {
            return Vec::new();
        };
        let (panel, area) = (*panel, *area);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus = panel;
                self.dirty = true;
                let first_row = area.y + 1 + layout::header_rows(panel);
                if mouse.row >= first_row && mouse.row < area.bottom().saturating_sub(1) {
                    let height = layout::body_height(panel, area);
                    let len = self.rows(panel);
                    let offset = layout::scroll_offset(self.cursor(panel), len, height);
                    let row = offset + usize::from(mouse.row - first_row);
                    if row < len {
                        self.set_cursor(panel, row);
                    }
                }
                self.follow_selection()
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                self.focus = panel;
                let step = if mouse.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                self.move_cursor(step)
            }
            _ => Vec::new(),
        }
    }

    fn page(&self) -> usize {
        let areas = self.areas(self.size);
        areas
            .panels
            .iter()
            .find(|(p, _)| *p == self.focus)
            .map_or(10, |(p, r)| layout::body_height(*p, *r).max(1))
    }

    /// How many rows the panel has.
    pub fn rows(&self, panel: Panel) -> usize {
        match panel {
            Panel::Clients => self.view.clients.len(),
            Panel::KeyPackages => self
                .view
                .clients
                .get(self.client)
                .map_or(0, |c| c.key_packages.len()),
            Panel::Ds => self.ds_rows().len(),
            Panel::Groups => self.group_rows().len(),
            Panel::Timeline => self.visible_events(),
            Panel::Inspector => crate::ui::inspector_len(self),
        }
    }

    pub fn cursor(&self, panel: Panel) -> usize {
        match panel {
            Panel::Clients => self.client,
            Panel::KeyPackages => self.kp_cursor,
            Panel::Ds => self.ds_cursor,
            Panel::Groups => self.group_cursor,
            Panel::Timeline => self.timeline_row(),
            Panel::Inspector => self.inspector_scroll,
        }
    }

    fn set_cursor(&mut self, panel: Panel, row: usize) {
        let len = self.rows(panel);
        let row = row.min(len.saturating_sub(1));
        match panel {
            Panel::Clients => self.select_client(row),
            Panel::KeyPackages => self.kp_cursor = row,
            Panel::Ds => self.ds_cursor = row,
            Panel::Groups => self.group_cursor = row,
            Panel::Timeline => {
                self.timeline_cursor = if row + 1 >= len { None } else { Some(row) };
            }
            Panel::Inspector => self.inspector_scroll = row,
        }
    }

    fn select_client(&mut self, index: usize) {
        let index = index.min(self.view.clients.len().saturating_sub(1));
        if index != self.client {
            self.client = index;
            self.kp_cursor = 0;
        }
        self.dirty = true;
    }

    fn move_cursor(&mut self, delta: i64) -> Vec<Effect> {
        let panel = self.focus;
        let current = self.cursor(panel) as i64;
        let target = current.saturating_add(delta).max(0) as usize;
        self.set_cursor(panel, target);
        self.dirty = true;
        self.follow_selection()
    }

    /// DS panel rows: one per client with its counters, then the directory entries
    /// of the selected client: (client index, entry index or `None` for the counters).
    pub fn ds_rows(&self) -> Vec<(usize, Option<usize>)> {
        let mut rows: Vec<(usize, Option<usize>)> =
            (0..self.view.clients.len()).map(|i| (i, None)).collect();
        if let Some(client) = self.view.clients.get(self.client) {
            if let Some(dir) = self.view.ds.clients.get(&client.name) {
                let entries = dir.normal.len() + usize::from(dir.last_resort.is_some());
                rows.extend((0..entries).map(|e| (self.client, Some(e))));
            }
        }
        rows
    }

    /// The directory entry of the selected client at `index`: normal ones, then
    /// the last-resort one.
    pub fn ds_entry(&self, index: usize) -> Option<&crate::engine::ds::DirectoryEntry> {
        let client = self.view.clients.get(self.client)?;
        let dir = self.view.ds.clients.get(&client.name)?;
        dir.normal.get(index).or_else(|| {
            (index == dir.normal.len())
                .then_some(dir.last_resort.as_ref())
                .flatten()
        })
    }

    /// Groups panel rows: (group index, member index or `None` for the group line).
    pub fn group_rows(&self) -> Vec<(usize, Option<usize>)> {
        let mut rows = Vec::new();
        for (g, group) in self.view.groups.iter().enumerate() {
            rows.push((g, None));
            rows.extend((0..group.members.len()).map(|m| (g, Some(m))));
        }
        rows
    }

    /// Follows the reference under the cursor of the focused panel and asks the
    /// engine for its details.
    fn follow_selection(&mut self) -> Vec<Effect> {
        self.dirty = true;
        match self.focus {
            Panel::KeyPackages | Panel::Clients => {
                let Some(client) = self.view.clients.get(self.client) else {
                    return Vec::new();
                };
                let Some(row) = client.key_packages.get(self.kp_cursor) else {
                    return Vec::new();
                };
                self.follow(client.name.clone(), row.kp_ref.clone())
            }
            Panel::Ds => {
                let rows = self.ds_rows();
                match rows.get(self.ds_cursor) {
                    Some((_, Some(entry))) => {
                        let owner = self.actor().map(str::to_string);
                        let kp_ref = self
                            .ds_entry(*entry)
                            .map(|e| crate::engine::wire::ref_hex(&e.kp_ref));
                        match (owner, kp_ref) {
                            (Some(owner), Some(kp_ref)) => self.follow(owner, kp_ref),
                            _ => Vec::new(),
                        }
                    }
                    Some((client, None)) => {
                        let client = *client;
                        self.select_client(client);
                        Vec::new()
                    }
                    None => Vec::new(),
                }
            }
            Panel::Timeline => {
                let Some(event) = self.events.get(self.timeline_row()) else {
                    return Vec::new();
                };
                let seq = event.seq;
                let welcome = matches!(
                    event.kind,
                    EventKind::WelcomeSent { .. }
                        | EventKind::WelcomeDelivered { .. }
                        | EventKind::GroupJoined { .. }
                        | EventKind::JoinFailed { .. }
                );
                let found =
                    event_ref(event).and_then(|r| self.owner_of(&r).map(|owner| (owner, r)));
                let mut effects = Vec::new();
                if let Some((owner, kp_ref)) = found {
                    // Show the owner's storage too, with the reference's row selected,
                    // so that it is highlighted in the inventory and the DS directory.
                    if let Some(index) = self.view.clients.iter().position(|c| c.name == owner) {
                        self.select_client(index);
                        if let Some(row) = self.view.clients[index]
                            .key_packages
                            .iter()
                            .position(|k| k.kp_ref == kp_ref)
                        {
                            self.kp_cursor = row;
                        }
                    }
                    effects = self.follow(owner, kp_ref);
                }
                if welcome {
                    effects = vec![Effect::Send(Request::InspectWelcome { seq })];
                }
                effects
            }
            Panel::Groups | Panel::Inspector => Vec::new(),
        }
    }

    fn follow(&mut self, owner: String, kp_ref: String) -> Vec<Effect> {
        if self.followed.as_deref() == Some(kp_ref.as_str())
            && matches!(&self.inspection, Some(Inspection::KeyPackage(d)) if d.kp_ref == kp_ref)
        {
            return Vec::new();
        }
        self.journey = self
            .events
            .iter()
            .filter(|e| mentions(e, &kp_ref))
            .map(|e| e.seq)
            .collect();
        self.followed = Some(kp_ref.clone());
        self.inspector_scroll = 0;
        vec![Effect::Send(Request::InspectKeyPackage { owner, kp_ref })]
    }

    /// The client that generated this key package.
    pub fn owner_of(&self, kp_ref: &str) -> Option<String> {
        self.view
            .clients
            .iter()
            .find(|c| c.key_packages.iter().any(|k| k.kp_ref == kp_ref))
            .map(|c| c.name.clone())
    }

    fn on_report(&mut self, report: Report) -> Vec<Effect> {
        self.dirty = true;
        match report {
            Report::Progress { label, done, total } => {
                self.busy = Some(Busy { label, done, total });
            }
            Report::Changed { events, view } => {
                let until = self.now + FLASH;
                if self.flash_ends.back() != Some(&until) {
                    self.flash_ends.push_back(until);
                }
                let first_view = self.view.clients.is_empty();
                for client in &view.clients {
                    if !first_view && !self.view.clients.iter().any(|c| c.name == client.name) {
                        self.flashes
                            .insert(FlashKey::Client(client.name.clone()), until);
                    }
                }
                for group in &view.groups {
                    if !self.view.groups.iter().any(|g| g.name == group.name) {
                        self.flashes
                            .insert(FlashKey::Group(group.name.clone()), until);
                    }
                }
                for event in &events {
                    self.flashes.insert(FlashKey::Event(event.seq), until);
                    if let Some(r) = event_ref(event) {
                        self.flashes.insert(FlashKey::Ref(r), until);
                    }
                    if !self.settings.speed.is_zero() && travels(event) {
                        self.flights.push_back(event.seq);
                    }
                }
                while self.flights.len() > MAX_FLIGHTS {
                    self.flights.pop_front();
                    self.flight_started = None;
                }
                if self.flight_started.is_none() && !self.flights.is_empty() {
                    self.flight_started = Some(self.now);
                }
                if let Some(followed) = &self.followed {
                    self.journey.extend(
                        events
                            .iter()
                            .filter(|e| mentions(e, followed))
                            .map(|e| e.seq),
                    );
                }
                self.events.extend(events);
                self.view = *view;
                if let Some(name) = self.select_next.take() {
                    match self.view.clients.iter().position(|c| c.name == name) {
                        Some(index) => self.select_client(index),
                        None => self.select_next = Some(name),
                    }
                }
                // Keep cursors on rows that exist.
                self.client = self.client.min(self.view.clients.len().saturating_sub(1));
                for panel in [Panel::KeyPackages, Panel::Ds, Panel::Groups] {
                    let len = self.rows(panel);
                    if self.cursor(panel) >= len {
                        self.set_cursor(panel, len.saturating_sub(1));
                    }
                }
            }
            Report::LineDone { text, error } => {
                self.select_next = None;
                // Lines finish in order; lines of a stopped batch never report.
                if let Some(offset) = self.session[self.session_done..]
                    .iter()
                    .position(|l| l.text == text)
                {
                    let index = self.session_done + offset;
                    self.session[index].outcome =
                        Some(error.as_ref().map_or(Ok(()), |(code, _)| Err(code.clone())));
                    self.session_done = index + 1;
                }
                if let Some((code, message)) = error {
                    self.toast(format!("{text}: {code}: {message}"), true);
                }
            }
            Report::Idle { cancelled } => {
                self.running = self.running.saturating_sub(1);
                self.busy = None;
                if cancelled {
                    self.toast("Stopped".into(), false);
                }
                // Refresh the inspector: states and Welcome matches may have moved on.
                return self.refresh_inspection();
            }
            Report::Inspected(inspection) => {
                self.inspection = Some(inspection);
            }
        }
        Vec::new()
    }

    fn refresh_inspection(&mut self) -> Vec<Effect> {
        match &self.inspection {
            Some(Inspection::Welcome(details)) => {
                vec![Effect::Send(Request::InspectWelcome { seq: details.seq })]
            }
            None if self.followed.is_none() => {
                // Nothing selected yet: show the newest key package of the selected client.
                if let Some(client) = self.view.clients.get(self.client) {
                    if let Some(row) = client.key_packages.get(self.kp_cursor) {
                        let (owner, kp_ref) = (client.name.clone(), row.kp_ref.clone());
                        return self.follow(owner, kp_ref);
                    }
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

/// The words that could go where the cursor is: client and group names, the
/// verbs and options the parser knows.
fn completion_candidates(view: &LabView, input: &str, cursor: usize) -> Vec<String> {
    let before: String = input.chars().take(cursor).collect();
    let words: Vec<&str> = before.split_whitespace().collect();
    let typing_new = before.is_empty() || before.ends_with(' ');
    let position = if typing_new {
        words.len()
    } else {
        words.len().saturating_sub(1)
    };
    let clients = view.clients.iter().map(|c| c.name.clone());
    let groups = view.groups.iter().map(|g| g.name.clone());
    let mut out: Vec<String> = match position {
        0 => clients
            .chain(crate::command::LAB_VERBS.iter().map(|v| v.to_string()))
            .collect(),
        1 if view.clients.iter().any(|c| c.name == words[0]) => crate::command::client_verbs(),
        1 if words[0] == "ds" => vec!["replay-welcome".into(), "forward-welcome".into()],
        _ => {
            let verb = words.get(1).copied().unwrap_or_default();
            clients
                .chain(groups)
                .chain(crate::command::client_verb_options(verb))
                .collect()
        }
    };
    out.sort();
    out.dedup();
    out
}

/// Completes the word before the cursor: fully when one candidate fits, to the
/// longest common prefix and a list when several do.
fn complete(prompt: &mut Prompt, candidates: &[String]) {
    let before: String = prompt.input.chars().take(prompt.cursor).collect();
    let after: String = prompt.input.chars().skip(prompt.cursor).collect();
    let start = before.rfind(' ').map_or(0, |i| i + 1);
    let partial = &before[start..];
    let fitting: Vec<&String> = candidates
        .iter()
        .filter(|c| c.starts_with(partial))
        .collect();
    let completed = match fitting.as_slice() {
        [] => return,
        [one] => format!("{one} "),
        several => {
            let mut common = several[0].clone();
            for word in several {
                while !word.starts_with(&common) {
                    common.pop();
                }
            }
            prompt.completions = several.iter().map(|s| s.to_string()).collect();
            common
        }
    };
    let head = &before[..start];
    prompt.input = format!("{head}{completed}{after}");
    prompt.cursor = head.chars().count() + completed.chars().count();
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid command")
        .trim_start_matches("error: ")
        .to_string()
}

fn action_label(action: Action) -> &'static str {
    action.spec().map_or("action", |s| s.label)
}

/// The key package reference an event is about, if any.
pub fn event_ref(event: &Event) -> Option<String> {
    match &event.kind {
        EventKind::KeyPackageGenerated { kp_ref, .. }
        | EventKind::KeyPackagePublished { kp_ref, .. }
        | EventKind::KeyPackageClaimed { kp_ref, .. }
        | EventKind::GroupJoined { kp_ref, .. }
        | EventKind::PrivateBundleDeleted { kp_ref }
        | EventKind::PrivateBundleRetained { kp_ref } => Some(kp_ref.clone()),
        EventKind::KeyPackageRejected { kp_ref, .. }
        | EventKind::WelcomeDelivered { kp_ref, .. }
        | EventKind::JoinFailed { kp_ref, .. } => kp_ref.clone(),
        _ => None,
    }
}

/// Whether an event names this reference (as its subject or in a Welcome's
/// `new_member` list).
pub fn mentions(event: &Event, kp_ref: &str) -> bool {
    match &event.kind {
        EventKind::WelcomeSent {
            new_member_refs, ..
        }
        | EventKind::WelcomeDelivered {
            new_member_refs, ..
        } => new_member_refs.iter().any(|r| r == kp_ref),
        EventKind::KeyPackagePublished {
            replaced: Some(r), ..
        } if r == kp_ref => true,
        _ => event_ref(event).as_deref() == Some(kp_ref),
    }
}

/// Whether an event is a message between a client and the DS (drawn as an arrow).
pub fn travels(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::ClientRegistered { .. }
            | EventKind::KeyPackagePublished { .. }
            | EventKind::KeyPackageRejected { .. }
            | EventKind::KeyPackageClaimed { .. }
            | EventKind::ClaimFailed { .. }
            | EventKind::CommitSent { .. }
            | EventKind::WelcomeSent { .. }
            | EventKind::WelcomeDelivered { .. }
            | EventKind::CommitProcessed { .. }
            | EventKind::SelfUpdated { .. }
    ) && event.outcome == Outcome::Ok
        || matches!(event.kind, EventKind::KeyPackageRejected { .. })
}

/// Reads a scenario as a lesson: each command with the comment lines just above it.
pub fn lesson_from(name: &str, source: &str) -> Result<Lesson, Vec<String>> {
    let mut steps = Vec::new();
    let mut errors = Vec::new();
    let mut caption: Vec<String> = Vec::new();
    let mut last = String::new();
    for (index, text) in source.lines().enumerate() {
        let trimmed = text.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            caption.push(comment.trim().to_string());
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        match parse_line(trimmed) {
            Ok(Some(command)) => {
                if !caption.is_empty() {
                    last = caption.join(" ");
                }
                let text = last.clone();
                steps.push((
                    text,
                    Line {
                        text: trimmed.to_string(),
                        command,
                    },
                ));
                caption.clear();
            }
            Ok(None) => {}
            Err(error) => errors.push(format!(
                "{name}:{}: {}",
                index + 1,
                first_line(&error.to_string())
            )),
        }
    }
    if errors.is_empty() {
        Ok(Lesson {
            name: name.to_string(),
            steps,
            next: 0,
        })
    } else {
        Err(errors)
    }
}
