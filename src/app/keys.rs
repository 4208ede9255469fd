//! Keys become actions, and actions become lines of the command vocabulary (or
//! moves of the selection). Every action is declared in `action.rs`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::complete::{self, Words};
use super::lesson::error_line;
use super::motion::ToastKind;
use super::prompt::{Edited, Prompt};
use super::{App, Effect};
use crate::app::layout::Panel;
use crate::command::Command;
use crate::engine::GroupOverview;
use crate::worker::Request;

/// What a client action does: run a line, or start one at the prompt.
enum LabLine {
    Run(String),
    Ask { text: String, cursor: usize },
}

fn action_label(action: Action) -> &'static str {
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
        if self.prompt.is_some() {
            return self.on_prompt_key(key);
        }
        if self.selection.show_help {
            // The arrows scroll the overlay; any other key closes it.
            self.dirty = true;
            let s = &mut self.selection;
            match Action::for_key(&key) {
                Some(Action::Down | Action::PageDown) => s.help_scroll += 1,
                Some(Action::Up | Action::PageUp) => {
                    s.help_scroll = s.help_scroll.saturating_sub(1)
                }
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
                    | Action::NextClient
                    | Action::PrevClient
                    | Action::FocusNext
                    | Action::FocusPrev
                    | Action::Top
                    | Action::Bottom
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
                | None => s.show_help = false,
            }
            return Vec::new();
        }
        let action = if self.lesson.is_some() {
            Action::for_key_in_lesson(&key)
        } else {
            Action::for_key(&key)
        };
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
            // ←/→ change the acting client whatever has focus; the inspector
            // follows the new client's package (see `update`).
            Action::NextClient => {
                self.select_client(self.selection.selected_client.saturating_add(1));
                Vec::new()
            }
            Action::PrevClient => {
                self.select_client(self.selection.selected_client.saturating_sub(1));
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
            Action::Bottom if self.selection.focus == Panel::Timeline => {
                self.selection.timeline_cursor = None;
                self.follow_selection()
            }
            Action::Bottom => self.move_cursor(i64::MAX / 2),
            Action::Prompt => {
                self.open_prompt("", None);
                Vec::new()
            }
            Action::Help => {
                self.selection.show_help = !self.selection.show_help;
                self.selection.help_scroll = 0;
                Vec::new()
            }
            Action::Zoom => {
                self.selection.zoomed = !self.selection.zoomed;
                Vec::new()
            }
            Action::Why => {
                self.selection.show_why = !self.selection.show_why;
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
                contents: self.session.scenario(&self.events, &self.view),
            }],
            Action::Theme => {
                self.theme = self.theme.next();
                Vec::new()
            }
            Action::Escape => {
                if self.selection.show_help {
                    self.selection.show_help = false;
                } else if self.batches_in_flight > 0 {
                    return vec![Effect::Cancel];
                } else if self.selection.zoomed {
                    self.selection.zoomed = false;
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

    /// Something the selected client does: a line to run, or one to finish at the prompt.
    fn client_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(actor) = self.actor().map(str::to_string) else {
            self.toast(
                "There is no client yet: create one with :clients NAME".into(),
                ToastKind::Error,
            );
            return Vec::new();
        };
        match self.lab_line(action, &actor) {
            LabLine::Run(line) => self.submit(&line, action_label(action)),
            LabLine::Ask { text, cursor } => {
                self.open_prompt(&text, Some(cursor));
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
            Action::Generate => LabLine::Run(format!("{actor} generate{suite}")),
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
            // Not client actions: `perform` never sends them here.
            Action::DeliverAndJoin
            | Action::ToggleFault
            | Action::NextStep
            | Action::PrevStep
            | Action::RestartLesson
            | Action::NextClient
            | Action::PrevClient
            | Action::FocusNext
            | Action::FocusPrev
            | Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Prompt
            | Action::Help
            | Action::Zoom
            | Action::Why
            | Action::WhyMore
            | Action::Hex
            | Action::Save
            | Action::Theme
            | Action::Escape
            | Action::Quit => LabLine::Ask {
                text: format!("{actor} "),
                cursor: actor.chars().count() + 1,
            },
        }
    }

    /// A group `actor` is in: the selected one in the groups panel if it is theirs.
    fn group_of(&self, actor: &str) -> Option<String> {
        let is_member = |g: &GroupOverview| g.members.iter().any(|m| m.client == actor);
        let selected = self
            .group_rows()
            .get(self.selection.group_cursor)
            .map(|(g, _)| *g);
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
            Err(bad) => {
                self.toast(bad.to_string(), ToastKind::Error);
                Vec::new()
            }
        }
    }

    /// Shows the client a typed or stepped line acts as, so its key packages are on
    /// screen while it runs.
    pub(super) fn select_actor_of(&mut self, request: &Request) {
        let Request::Run { lines, .. } = request else {
            return;
        };
        let Some(Command::Client { client, .. }) = lines.first().map(|l| &l.command) else {
            return;
        };
        match self.view.clients.iter().position(|c| &c.name == client) {
            Some(index) => self.select_client(index),
            None => self.select_next = Some(client.clone()),
        }
    }

    fn open_prompt(&mut self, input: &str, cursor: Option<usize>) {
        self.prompt = Some(Prompt::new(input, cursor));
        self.dirty = true;
    }

    /// The lab's names for completion.
    fn words(&self) -> Words {
        Words {
            clients: self.view.clients.iter().map(|c| c.name.clone()).collect(),
            groups: self.view.groups.iter().map(|g| g.name.clone()).collect(),
            selectors: self
                .view
                .clients
                .iter()
                .map(|c| {
                    let mut s: Vec<String> = (1..=c.key_packages.len())
                        .map(|n| format!("@{n}"))
                        .collect();
                    s.push("@last".into());
                    s.extend(c.key_packages.iter().map(|k| k.kp_ref.short()));
                    (c.name.clone(), s)
                })
                .collect(),
        }
    }

    fn on_prompt_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.dirty = true;
        if key.code == KeyCode::Tab {
            let words = self.words();
            if let Some(prompt) = self.prompt.as_mut() {
                let candidates = complete::candidates(&words, prompt.before_cursor());
                prompt.complete(&candidates);
            }
            return Vec::new();
        }
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        match prompt.key(key, self.history.lines()) {
            Edited::Changed => Vec::new(),
            Edited::Ignored => {
                self.dirty = false;
                Vec::new()
            }
            Edited::Close => {
                self.prompt = None;
                Vec::new()
            }
            Edited::Submit(text) if text == "help" || text.starts_with("help ") => {
                self.help_at_prompt(&text)
            }
            Edited::Submit(text) if step_number(&text).is_some() => {
                self.history.push(text.clone());
                self.prompt = None;
                self.jump_to_step(step_number(&text).unwrap_or_default())
            }
            Edited::Submit(text) => match Self::run_request(&text, &[&text]) {
                Ok(request) => {
                    self.typed = Some(text.clone());
                    self.history.push(text);
                    self.prompt = None;
                    self.hint = None;
                    self.select_actor_of(&request);
                    vec![self.track(request)]
                }
                Err(bad) => {
                    // The line stays for fixing; nothing ran.
                    prompt.set_error(error_line(&bad.error.to_string()));
                    Vec::new()
                }
            },
        }
    }

    /// `help` opens the overlay (the whole vocabulary); `help VERB` shows that
    /// verb's usage and closes the prompt; an unknown verb keeps it open.
    fn help_at_prompt(&mut self, text: &str) -> Vec<Effect> {
        let topic = text.trim_start_matches("help").trim();
        if topic.is_empty() {
            self.prompt = None;
            self.selection.show_help = true;
            self.selection.help_scroll = 0;
            return Vec::new();
        }
        let verb = crate::command::vocabulary().iter().find(|v| {
            v.name == topic
                || v.name.strip_prefix("expect ") == Some(topic)
                || topic.strip_prefix("expect ") == v.name.strip_prefix("expect ")
                    && topic.starts_with("expect ")
        });
        match verb {
            Some(verb) => {
                self.history.push(text.to_string());
                self.prompt = None;
                self.toast(
                    format!("{}: {} ({})", verb.name, verb.usage, verb.help),
                    ToastKind::Done,
                );
            }
            None => {
                if let Some(prompt) = self.prompt.as_mut() {
                    prompt.set_error(format!(
                        "no verb {topic:?}: ? lists them all, Tab completes them"
                    ));
                }
            }
        }
        Vec::new()
    }

    /// Pasted text goes into the prompt (opening it), never to the key bindings.
    pub(super) fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        if self.prompt.is_none() {
            self.open_prompt("", None);
        }
        if let Some(prompt) = self.prompt.as_mut() {
            prompt.insert(text);
        }
        self.dirty = true;
        Vec::new()
    }
}

/// `step N` at the prompt: the lesson step to go to.
fn step_number(line: &str) -> Option<usize> {
    match line.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["step", n] => n.parse().ok(),
        [..] => None,
    }
}
