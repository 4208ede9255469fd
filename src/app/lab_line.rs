//! What a lab action stands for: a line of the command vocabulary acting as the
//! selected client, run at once or started at the prompt for the user to finish.
//! Every line is parsed by the one parser before it is sent.

use super::action::Action;
use super::keys::action_label;
use super::layout::Panel;
use super::motion::ToastKind;
use super::{App, Effect};
use crate::command::Command;
use crate::engine::GroupOverview;
use crate::worker::Request;

/// What a client action does: run a line, or start one at the prompt.
enum LabLine {
    Run(String),
    Ask { text: String, cursor: usize },
}

impl App {
    /// Something the selected client does: a line to run, or one to finish at the prompt.
    pub(super) fn client_action(&mut self, action: Action) -> Vec<Effect> {
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
            | Action::Checks
            | Action::Inspector
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
            .get(self.cursor(Panel::Groups))
            .map(|(g, _)| *g);
        selected
            .and_then(|i| self.view().groups.get(i))
            .filter(|g| is_member(g))
            .or_else(|| self.view().groups.iter().rev().find(|g| is_member(g)))
            .map(|g| g.name.clone())
    }

    /// Parses `line` with the one parser and sends it; a bad line changes nothing.
    pub(super) fn submit(&mut self, line: &str, label: &str) -> Vec<Effect> {
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
        match self.mirror.client_index(client) {
            Some(index) => self.select_client(index),
            None => self.work.select_later(client.clone()),
        }
    }
}
