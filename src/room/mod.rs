//! The teacher's screen of `mls-lab serve`: the room's onboarding as it
//! happens. [`Room`] is its state, changed only by the server's events
//! ([`Room::apply`]), the DS's directory ([`Room::refresh`]) and keys
//! ([`Room::key`]), all pure; [`draw`] draws it through accessors; the
//! terminal loop that feeds it is `terminal::room`.
//!
//! - [`facts`]: the URL attendees type, the room token, the db.
//! - [`clients`]: the clients table, from the DS's directory.
//! - [`feed`]: each event as a line in words.
//! - [`keys`]: the keys, declared once with their help.

pub mod clients;
pub mod draw;
pub mod facts;
pub mod feed;
pub mod keys;
#[cfg(test)]
mod tests;

pub use clients::{ClientRow, ClientTable};
pub use facts::RoomFacts;
pub use feed::{Feed, FeedLine, Tone};
pub use keys::{RoomAction, ROOM_KEYS};

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::draw::depth::ColourDepth;
use crate::app::ThemeName;
use crate::engine::ds::DsSnapshot;
use crate::serve::lab_ds::{ServerEvent, ServerEventKind};

/// What happened since the screen opened (or the DS was last reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub claims: u64,
    pub last_resort_reuses: u64,
    pub welcomes: u64,
    pub refusals: u64,
}

/// The header's counters: the room now (clients, key packages) and what
/// happened since start ([`Tally`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    pub clients: usize,
    pub key_packages: usize,
    pub tally: Tally,
}

/// How the screen is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub theme: ThemeName,
    pub colours: ColourDepth,
}

/// The room screen's state.
#[derive(Debug, Clone)]
pub struct Room {
    facts: RoomFacts,
    look: Look,
    clients: ClientTable,
    feed: Feed,
    tally: Tally,
    help_shown: bool,
    quit: bool,
    /// An event changed the DS: the directory is to be read again.
    directory_stale: bool,
}

impl Room {
    pub fn new(facts: RoomFacts, look: Look) -> Self {
        Self {
            facts,
            look,
            clients: ClientTable::default(),
            feed: Feed::default(),
            tally: Tally::default(),
            help_shown: false,
            quit: false,
            directory_stale: true,
        }
    }

    /// One thing the DS did.
    pub fn apply(&mut self, event: &ServerEvent) {
        self.feed.push_event(event);
        match &event.kind {
            ServerEventKind::Registered { client, peer, .. } => {
                self.clients.registered(client, peer)
            }
            ServerEventKind::Claimed {
                last_resort_reuse, ..
            } => {
                self.tally.claims += 1;
                self.tally.last_resort_reuses += u64::from(*last_resort_reuse);
            }
            ServerEventKind::WelcomeRouted { .. } => self.tally.welcomes += 1,
            ServerEventKind::Refused { .. } => self.tally.refusals += 1,
            ServerEventKind::Reset => {
                self.clients.reset();
                self.tally = Tally::default();
            }
            ServerEventKind::Published { .. }
            | ServerEventKind::MessageRouted { .. }
            | ServerEventKind::MailTaken { .. }
            | ServerEventKind::Expired { .. }
            | ServerEventKind::FaultActed { .. } => {}
        }
        // A refusal changed nothing at the DS.
        if !matches!(event.kind, ServerEventKind::Refused { .. }) {
            self.directory_stale = true;
        }
    }

    /// Events the screen could not keep up with (the broadcast's backlog ran
    /// over): said in the feed, and the directory read again.
    pub fn missed(&mut self, at_ms: u64, count: u64) {
        self.feed.push(
            at_ms,
            Tone::Notice,
            format!("{count} event(s) not shown (too many at once); the table is still exact"),
        );
        self.directory_stale = true;
    }

    /// The DS's directory now (`now` in Unix seconds).
    pub fn refresh(&mut self, snapshot: &DsSnapshot, now: u64) {
        self.clients.refresh(snapshot, now);
        self.directory_stale = false;
    }

    /// Whether the directory should be read again.
    pub fn directory_stale(&self) -> bool {
        self.directory_stale
    }

    /// A key press.
    pub fn key(&mut self, key: &KeyEvent) {
        match keys::action_for(key) {
            Some(RoomAction::Quit) => self.quit = true,
            Some(RoomAction::Help) => self.help_shown = !self.help_shown,
            Some(RoomAction::Pause) => self.feed.toggle_pause(),
            None if key.code == KeyCode::Esc => self.help_shown = false,
            None => {}
        }
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn help_shown(&self) -> bool {
        self.help_shown
    }

    pub fn facts(&self) -> &RoomFacts {
        &self.facts
    }

    pub fn look(&self) -> Look {
        self.look
    }

    pub fn clients(&self) -> &[ClientRow] {
        self.clients.rows()
    }

    pub fn feed(&self) -> &Feed {
        &self.feed
    }

    pub fn counters(&self) -> Counters {
        Counters {
            clients: self.clients.rows().len(),
            key_packages: self.clients.key_packages(),
            tally: self.tally,
        }
    }
}
