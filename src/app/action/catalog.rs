//! The catalog: every action's declaration (keys, label, help, section), and
//! the prompt's keys. The types and what is derived from them are in
//! [`super`].

use crossterm::event::KeyCode;

use super::{ctrl, key, named, Action, ActionSpec, Section};

macro_rules! spec {
    ($action:ident, [$($key:expr),+], $label:literal, $help:literal, $section:ident, $status:literal) => {
        ActionSpec {
            action: Action::$action,
            keys: &[$($key),+],
            label: $label,
            help: $help,
            section: Section::$section,
            status: $status,
        }
    };
}

/// The one declaration of every action.
pub const ACTIONS: &[ActionSpec] = &[
    spec!(
        Generate,
        [key('g')],
        "generate",
        "generate a key package (KeyPackage::builder().build)",
        Lab,
        true
    ),
    spec!(
        GenerateLastResort,
        [key('G')],
        "last-resort",
        "generate a last-resort key package (mark_as_last_resort)",
        Lab,
        true
    ),
    spec!(
        Publish,
        [key('p')],
        "publish",
        "publish every unpublished key package to the DS",
        Lab,
        true
    ),
    spec!(
        Claim,
        [key('c')],
        "claim",
        "claim another client's key package at the DS (asks whose)",
        Lab,
        true
    ),
    spec!(
        CreateGroup,
        [key('n')],
        "new group",
        "create a group (asks its name)",
        Lab,
        true
    ),
    spec!(
        AddMember,
        [key('a')],
        "add",
        "add members to a group: Commit + Welcome (asks whom)",
        Lab,
        true
    ),
    spec!(
        DeliverAndJoin,
        [key('d')],
        "deliver",
        "deliver all mail: Welcomes are joined, Commits merged",
        Lab,
        true
    ),
    spec!(
        SelfUpdate,
        [key('u')],
        "update",
        "self-update the leaf in groups joined via last resort",
        Lab,
        false
    ),
    spec!(
        RotateLastResort,
        [key('r')],
        "rotate LR",
        "rotate the last-resort package (RFC 9750 §5.1)",
        Lab,
        false
    ),
    spec!(
        ToggleFault,
        [key('f')],
        "DS fault",
        "make the DS misbehave: ds fault NAME on or off (Tab lists them)",
        Lab,
        false
    ),
    spec!(
        NextStep,
        [key(' ')],
        "next",
        "run the next lesson step with its checks (also → and PgDn)",
        Lesson,
        false
    ),
    spec!(
        PrevStep,
        [named(KeyCode::Backspace)],
        "back",
        "back one lesson step, drawn at once (also ← and PgUp)",
        Lesson,
        false
    ),
    spec!(
        RestartLesson,
        [key('0')],
        "restart",
        "back to the lesson's title card; asks first, 0 again restarts",
        Lesson,
        false
    ),
    spec!(
        Checks,
        [key('e')],
        "checks",
        "expect rows on the timeline, or only ✓/✗ marks on the step",
        Lesson,
        false
    ),
    spec!(
        NextClient,
        [named(KeyCode::Right), key('l')],
        "client",
        "select the next client",
        Navigate,
        false
    ),
    spec!(
        PrevClient,
        [named(KeyCode::Left), key('h')],
        "client",
        "select the previous client",
        Navigate,
        false
    ),
    spec!(
        FocusNext,
        [named(KeyCode::Tab)],
        "panel",
        "focus the next panel",
        Navigate,
        true
    ),
    spec!(
        FocusPrev,
        [named(KeyCode::BackTab)],
        "panel",
        "focus the previous panel",
        Navigate,
        false
    ),
    spec!(
        Up,
        [named(KeyCode::Up), key('k')],
        "up",
        "select the row above (follows its reference)",
        Navigate,
        false
    ),
    spec!(
        Down,
        [named(KeyCode::Down), key('j')],
        "down",
        "select the row below (follows its reference)",
        Navigate,
        false
    ),
    spec!(
        PageUp,
        [named(KeyCode::PageUp)],
        "page up",
        "a page up",
        Navigate,
        false
    ),
    spec!(
        PageDown,
        [named(KeyCode::PageDown)],
        "page down",
        "a page down",
        Navigate,
        false
    ),
    spec!(
        Top,
        [named(KeyCode::Home)],
        "top",
        "the first row",
        Navigate,
        false
    ),
    spec!(
        Bottom,
        [named(KeyCode::End)],
        "bottom",
        "the last row (the timeline follows new events)",
        Navigate,
        false
    ),
    spec!(
        Prompt,
        [key(':')],
        "command",
        "type a command, as in a scenario file",
        Program,
        true
    ),
    spec!(
        Help,
        [key('?')],
        "help",
        "show or hide this help",
        Program,
        true
    ),
    spec!(
        Zoom,
        [key('z')],
        "zoom",
        "enlarge the focused panel to the whole screen",
        Program,
        false
    ),
    spec!(
        Why,
        [key('y')],
        "why",
        "why pane: what happened, OpenMLS call, RFC section, DS rule",
        Program,
        false
    ),
    spec!(
        WhyMore,
        [key('.')],
        "more why",
        "why pane: its next lines, when it does not fit",
        Program,
        false
    ),
    spec!(
        Inspector,
        [key('i')],
        "inspector",
        "the inspector takes the keys (presenting: instead of why)",
        Program,
        false
    ),
    spec!(
        Hex,
        [key('x')],
        "hex",
        "hex of the key package or Welcome: ↑↓ field, its bytes lit",
        Program,
        false
    ),
    spec!(
        Save,
        [key('w')],
        "save",
        "save the session: a replayable scenario with its transcript",
        Program,
        false
    ),
    spec!(
        Theme,
        [key('t')],
        "theme",
        "next theme: dark, light, high contrast, monochrome",
        Program,
        false
    ),
    spec!(
        Escape,
        [named(KeyCode::Esc)],
        "stop",
        "close the overlay, stop following, or stop a running batch",
        Program,
        false
    ),
    spec!(
        Quit,
        [key('q'), ctrl('c')],
        "quit",
        "quit and restore the terminal",
        Program,
        true
    ),
];

/// The keys of the `:` prompt's line editor, for the status bar and the help
/// overlay: (key, short label, help).
pub const PROMPT_KEYS: &[(&str, &str, &str)] = &[
    (
        "Enter",
        "run",
        "run the line (a bad line stays, with the reason beside it)",
    ),
    ("Esc", "cancel", "close the prompt without running anything"),
    ("↑↓", "history", "walk through the lines run before"),
    (
        "Tab",
        "complete",
        "complete a client, group, verb or option",
    ),
    ("Ctrl-u", "clear", "clear the line"),
];
