//! Every user-visible action, declared once with its keys and help text. The key
//! dispatch, the help overlay, the status bar and the README's key map are all
//! generated from [`ACTIONS`], so they cannot drift apart.

mod catalog;

pub use catalog::{ACTIONS, PROMPT_KEYS};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // The lab: each of these becomes one line of the command vocabulary.
    Generate,
    GenerateLastResort,
    Publish,
    Claim,
    CreateGroup,
    AddMember,
    DeliverAndJoin,
    SelfUpdate,
    RotateLastResort,
    /// The DS panel's key: `ds fault NAME on|off` at the prompt.
    ToggleFault,
    // A lesson.
    NextStep,
    PrevStep,
    RestartLesson,
    Checks,
    // Moving around.
    NextClient,
    PrevClient,
    FocusNext,
    FocusPrev,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    // The program.
    Prompt,
    Help,
    Zoom,
    Why,
    WhyMore,
    Inspector,
    Hex,
    Save,
    Theme,
    Escape,
    Quit,
}

/// Where an action appears in the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Lab,
    Lesson,
    Navigate,
    Program,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Lab,
        Section::Lesson,
        Section::Navigate,
        Section::Program,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Lab => "Lab (acts as the selected client)",
            Section::Lesson => "Lesson (--step and present)",
            Section::Navigate => "Navigate",
            Section::Program => "Program",
        }
    }
}

/// A key, with Ctrl when `ctrl` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(c: char) -> Binding {
    Binding {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn named(code: KeyCode) -> Binding {
    Binding { code, ctrl: false }
}

const fn ctrl(c: char) -> Binding {
    Binding {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Binding {
    /// How the key is written in help and the status bar.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Enter => "Enter".into(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }

    /// How the key is written where room is short (the status bar).
    pub fn short_label(&self) -> String {
        match (self.code, self.ctrl) {
            (KeyCode::Backspace, false) => "Bksp".into(),
            _ => self.label(),
        }
    }

    fn matches(&self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl != self.ctrl {
            return false;
        }
        match (self.code, event.code) {
            // Terminals report Shift-g as 'G', with or without the SHIFT flag.
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b,
            (a, b) => a == b,
        }
    }
}

/// In a lesson these keys step through it instead of their usual action: the
/// arrows, and PgDn/PgUp, which presentation clickers send (h, l and the mouse
/// still select clients; ↑↓ still move a panel's cursor).
pub const LESSON_KEYS: [(Binding, Action); 4] = [
    (named(KeyCode::Right), Action::NextStep),
    (named(KeyCode::Left), Action::PrevStep),
    (named(KeyCode::PageDown), Action::NextStep),
    (named(KeyCode::PageUp), Action::PrevStep),
];

/// One declared action.
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    pub action: Action,
    pub keys: &'static [Binding],
    /// A word or two, for the status bar.
    pub label: &'static str,
    /// One line, for the help overlay and the README.
    pub help: &'static str,
    pub section: Section,
    /// Shown in the status bar.
    pub status: bool,
}

impl Action {
    /// The action of a key while a lesson is loaded: → ←, PgDn and PgUp step
    /// through it ([`LESSON_KEYS`]), the others do what they always do.
    pub fn for_key_in_lesson(event: &KeyEvent) -> Option<Action> {
        LESSON_KEYS
            .iter()
            .find(|(k, _)| k.matches(event))
            .map(|(_, action)| *action)
            .or_else(|| Self::for_key(event))
    }

    /// The action bound to this key, if any.
    pub fn for_key(event: &KeyEvent) -> Option<Action> {
        ACTIONS
            .iter()
            .find(|spec| spec.keys.iter().any(|k| k.matches(event)))
            .map(|spec| spec.action)
    }

    /// This action's declaration.
    pub fn spec(self) -> Option<&'static ActionSpec> {
        ACTIONS.iter().find(|spec| spec.action == self)
    }
}

impl ActionSpec {
    /// Every key of this action, as written in help: `q / Ctrl-c`.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Binding::label)
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// The key map as a Markdown table, generated from [`ACTIONS`] (the README holds a
/// copy that a test keeps equal).
pub fn key_map_markdown() -> String {
    let mut out = String::from("| keys | action |\n|---|---|\n");
    for section in Section::ALL {
        for spec in ACTIONS.iter().filter(|s| s.section == section) {
            let keys = spec
                .keys
                .iter()
                .map(|k| format!("`{}`", k.label()))
                .collect::<Vec<_>>()
                .join(" ");
            out.push_str(&format!("| {keys} | {} |\n", spec.help));
        }
    }
    for (key, action) in LESSON_KEYS {
        let help = action.spec().map_or("", |s| s.help);
        out.push_str(&format!("| `{}` | in a lesson: {help} |\n", key.label()));
    }
    for (key, _, help) in PROMPT_KEYS {
        out.push_str(&format!("| `{key}` | at the `:` prompt: {help} |\n"));
    }
    out
}
