//! The live feed: each thing the DS did as a line in words, newest last, with
//! the tone it is drawn in (a last-resort reuse and a refusal stand out). The
//! feed keeps the most recent lines only, and can hold still (`p`) while new
//! ones keep arriving underneath.

use std::collections::VecDeque;

use crate::domain::KeyPackageRef;
use crate::serve::lab_ds::{ServerEvent, ServerEventKind};

/// How many lines the feed keeps.
pub const FEED_LINES: usize = 2000;

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// A client arrived.
    Arrival,
    /// An ordinary step of onboarding (publish, claim, mail).
    Step,
    /// A Welcome routed: someone is joining a group.
    Welcome,
    /// A last-resort package handed out again (RFC 9420 §16.8).
    Reuse,
    /// A refusal, with its typed code.
    Refusal,
    /// Something the teacher should notice: a fault acted, expiry, a reset,
    /// lines missed.
    Notice,
}

/// One line of the feed. The text is raw: drawing escapes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLine {
    seq: u64,
    at_ms: u64,
    tone: Tone,
    text: String,
}

impl FeedLine {
    pub fn at_ms(&self) -> u64 {
        self.at_ms
    }

    pub fn tone(&self) -> Tone {
        self.tone
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// An event as a line: what happened, in words.
pub fn describe(kind: &ServerEventKind) -> (Tone, String) {
    match kind {
        ServerEventKind::Registered {
            client,
            peer,
            key_packages,
        } => (
            Tone::Arrival,
            format!("{client} registered from {peer} with {key_packages} key package(s)"),
        ),
        ServerEventKind::Published {
            client,
            kp_refs,
            replaced,
        } => {
            let replacing = match replaced.len() {
                0 => String::new(),
                n => format!(", replacing {n} last-resort"),
            };
            (
                Tone::Step,
                format!(
                    "{client} published {} key package(s){replacing}",
                    kp_refs.len()
                ),
            )
        }
        ServerEventKind::Claimed {
            owner,
            claimer,
            kp_ref,
            last_resort_reuse: true,
        } => (
            Tone::Reuse,
            format!(
                "LAST-RESORT REUSE: {claimer} got {owner}'s last-resort key package {} again (no normal one left)",
                short(kp_ref)
            ),
        ),
        ServerEventKind::Claimed {
            owner,
            claimer,
            kp_ref,
            last_resort_reuse: false,
        } => (
            Tone::Step,
            format!("{claimer} claimed {owner}'s key package {}", short(kp_ref)),
        ),
        ServerEventKind::WelcomeRouted {
            recipients,
            unroutable,
        } => {
            let lost = match unroutable {
                0 => String::new(),
                n => format!(" ({n} new member(s) unroutable)"),
            };
            (
                Tone::Welcome,
                format!("Welcome routed to {}{lost}", recipients.join(", ")),
            )
        }
        ServerEventKind::MessageRouted { recipients } if recipients.is_empty() => (
            Tone::Step,
            "group message routed to nobody (no other member)".to_string(),
        ),
        ServerEventKind::MessageRouted { recipients } => (
            Tone::Step,
            format!("group message routed to {}", recipients.join(", ")),
        ),
        ServerEventKind::MailTaken { client, messages } => (
            Tone::Step,
            format!("{client} fetched {messages} message(s)"),
        ),
        ServerEventKind::Expired {
            owner,
            kp_ref,
            last_resort,
        } => {
            let which = if *last_resort { "last-resort " } else { "" };
            (
                Tone::Notice,
                format!("{owner}'s {which}key package {} expired", short(kp_ref)),
            )
        }
        ServerEventKind::FaultActed { fault, did } => {
            (Tone::Notice, format!("fault {fault} acted: {did}"))
        }
        ServerEventKind::Refused {
            route,
            code,
            message,
            peer,
        } => (
            Tone::Refusal,
            format!("REFUSED {code}: {route} from {peer}: {message}"),
        ),
        ServerEventKind::Reset => (
            Tone::Notice,
            "the DS was reset: every client, key package and mailbox removed".to_string(),
        ),
    }
}

/// A reference as short as the lab shows it elsewhere.
fn short(kp_ref: &str) -> &str {
    let end = kp_ref
        .char_indices()
        .nth(KeyPackageRef::SHORT)
        .map_or(kp_ref.len(), |(i, _)| i);
    &kp_ref[..end]
}

/// The most recent lines, and where the view holds still.
#[derive(Debug, Clone, Default)]
pub struct Feed {
    lines: VecDeque<FeedLine>,
    next_seq: u64,
    /// Paused: the first line not shown (those after arrived since).
    held_before: Option<u64>,
}

impl Feed {
    pub fn push_event(&mut self, event: &ServerEvent) {
        let (tone, text) = describe(&event.kind);
        self.push(event.at_ms, tone, text);
    }

    pub fn push(&mut self, at_ms: u64, tone: Tone, text: String) {
        if self.lines.len() == FEED_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(FeedLine {
            seq: self.next_seq,
            at_ms,
            tone,
            text,
        });
        self.next_seq += 1;
    }

    /// The lines the view shows, oldest first: all, or while paused those up
    /// to where it was paused.
    pub fn shown(&self) -> impl DoubleEndedIterator<Item = &FeedLine> {
        let held_before = self.held_before;
        self.lines
            .iter()
            .filter(move |line| held_before.is_none_or(|first| line.seq < first))
    }

    /// Lines that arrived since the pause.
    pub fn unseen(&self) -> usize {
        match self.held_before {
            Some(first) => self.lines.iter().filter(|line| line.seq >= first).count(),
            None => 0,
        }
    }

    pub fn paused(&self) -> bool {
        self.held_before.is_some()
    }

    /// Holds the view still, or lets it follow again.
    pub fn toggle_pause(&mut self) {
        self.held_before = match self.held_before {
            Some(_) => None,
            None => Some(self.next_seq),
        };
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}
