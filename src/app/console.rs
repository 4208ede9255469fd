//! The `:` prompt as the app runs it: the line being edited and the history
//! ([`Console`]), what Tab completes from the lab's names, `help` and `help
//! VERB`, `step N`, pasted text, and a typed line sent through the one parser.

use crossterm::event::{KeyCode, KeyEvent};

use super::complete::{self, Words};
use super::lesson::error_line;
use super::motion::ToastKind;
use super::prompt::{Edited, History, Prompt};
use super::{App, Effect};

/// The prompt, its history and the line typed last.
#[derive(Debug, Default)]
pub(super) struct Console {
    prompt: Option<Prompt>,
    history: History,
    /// The line last typed at the prompt, until it finishes (for its feedback).
    typed: Option<String>,
}

impl Console {
    pub(super) fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    pub(super) fn is_open(&self) -> bool {
        self.prompt.is_some()
    }

    pub(super) fn history(&self) -> &[String] {
        self.history.lines()
    }

    /// Whether `text` is the line typed last; it is forgotten then.
    pub(super) fn take_typed(&mut self, text: &str) -> bool {
        if self.typed.as_deref() == Some(text) {
            self.typed = None;
            return true;
        }
        false
    }

    /// A fresh lab: the line typed for the old one says nothing now.
    pub(super) fn forget_typed(&mut self) {
        self.typed = None;
    }
}

impl App {
    pub(super) fn open_prompt(&mut self, input: &str, cursor: Option<usize>) {
        self.console.prompt = Some(Prompt::new(input, cursor));
        self.dirty = true;
    }

    /// The lab's names for completion.
    fn words(&self) -> Words {
        Words {
            clients: self.view().clients.iter().map(|c| c.name.clone()).collect(),
            groups: self.view().groups.iter().map(|g| g.name.clone()).collect(),
            selectors: self
                .view()
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

    pub(super) fn on_prompt_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.dirty = true;
        if key.code == KeyCode::Tab {
            let words = self.words();
            if let Some(prompt) = self.console.prompt.as_mut() {
                let candidates = complete::candidates(&words, prompt.before_cursor());
                prompt.complete(&candidates);
            }
            return Vec::new();
        }
        let Some(prompt) = self.console.prompt.as_mut() else {
            return Vec::new();
        };
        match prompt.key(key, self.console.history.lines()) {
            Edited::Changed => Vec::new(),
            Edited::Ignored => {
                self.dirty = false;
                Vec::new()
            }
            Edited::Close => {
                self.console.prompt = None;
                Vec::new()
            }
            Edited::Submit(text) if text == "help" || text.starts_with("help ") => {
                self.help_at_prompt(&text)
            }
            Edited::Submit(text) if step_number(&text).is_some() => {
                self.console.history.push(text.clone());
                self.console.prompt = None;
                self.jump_to_step(step_number(&text).unwrap_or_default())
            }
            Edited::Submit(text) => match Self::run_request(&text, &[&text]) {
                Ok(request) => {
                    self.console.typed = Some(text.clone());
                    self.console.history.push(text);
                    self.console.prompt = None;
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
            self.console.prompt = None;
            self.panels.help.open();
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
                self.console.history.push(text.to_string());
                self.console.prompt = None;
                self.toast(
                    format!("{}: {} ({})", verb.name, verb.usage, verb.help),
                    ToastKind::Done,
                );
            }
            None => {
                if let Some(prompt) = self.console.prompt.as_mut() {
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
        if self.console.prompt.is_none() {
            self.open_prompt("", None);
        }
        if let Some(prompt) = self.console.prompt.as_mut() {
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
