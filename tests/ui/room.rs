//! The room screen of `mls-lab serve`, drawn from its state at the sizes it is
//! read at (a projector at 100×30, a laptop at 80×24): the URL attendees type
//! and every counter stay whole, the clients and the newest events are in
//! view, and text from the network is shown escaped.

use mls_lab::app::draw::depth::ColourDepth;
use mls_lab::domain::{KeyPackageRef, Suite};
use mls_lab::engine::ds::{ClientDirectory, DirectoryEntry, DsSnapshot};
use mls_lab::room::{Look, Room, RoomFacts};
use mls_lab::serve::lab_ds::{ServerEvent, ServerEventKind};

use crate::harness::*;

const NOW: u64 = 1_800_000_000;
const HOSTILE: &str = "eve\u{1b}[2J\u{202e}";

fn at(seconds: u64, kind: ServerEventKind) -> ServerEvent {
    ServerEvent {
        at_ms: seconds * 1000,
        kind,
    }
}

fn entry(byte: u8, last_resort: bool) -> DirectoryEntry {
    DirectoryEntry {
        kp_ref: KeyPackageRef::from_bytes(vec![byte; 32]),
        bytes: Vec::new(),
        ciphersuite: Suite::DEFAULT,
        last_resort,
        handouts: 0,
        not_before: 0,
        not_after: NOW + 86_400,
    }
}

fn directory(normal: u8, last_resort: bool, inbox: usize) -> ClientDirectory {
    ClientDirectory {
        normal: (0..normal).map(|i| entry(i, false)).collect(),
        last_resort: if last_resort {
            vec![entry(200, true)]
        } else {
            Vec::new()
        },
        claims: 0,
        last_resort_reuses: 0,
        inbox,
    }
}

/// A room mid-workshop: three attendees and a hostile name registered, a
/// claim, a last-resort reuse, a Welcome and a refusal.
fn workshop(extra_clients: usize) -> Room {
    let facts = RoomFacts::new(
        "0.0.0.0:8080".parse().unwrap(),
        Some("10.0.0.5".parse().unwrap()),
        Some("tulip-42"),
        "workshop.sqlite",
        0,
    );
    let look = Look {
        theme: ThemeName::HighContrast,
        colours: ColourDepth::TrueColour,
    };
    let mut room = Room::new(facts, look);
    let mut snapshot = DsSnapshot::default();
    let attendees = [
        ("ana", "10.0.0.21", 2, false, 0),
        ("ben", "10.0.0.22", 0, true, 1),
        (HOSTILE, "10.0.0.66", 1, false, 0),
    ];
    let extra: Vec<(String, String)> = (0..extra_clients)
        .map(|i| (format!("attendee{i:02}"), format!("10.0.1.{i}")))
        .collect();
    let everyone = attendees
        .iter()
        .map(|(name, peer, normal, last_resort, inbox)| {
            (
                name.to_string(),
                peer.to_string(),
                *normal,
                *last_resort,
                *inbox,
            )
        })
        .chain(
            extra
                .into_iter()
                .map(|(name, peer)| (name, peer, 3, true, 0)),
        );
    for (i, (name, peer, normal, last_resort, inbox)) in everyone.enumerate() {
        room.apply(&at(
            5 + i as u64,
            ServerEventKind::Registered {
                client: name.clone(),
                peer,
                key_packages: 3,
            },
        ));
        snapshot
            .clients
            .insert(name, directory(normal, last_resort, inbox));
    }
    room.apply(&at(
        70,
        ServerEventKind::Claimed {
            owner: "ben".into(),
            claimer: "10.0.0.21".into(),
            kp_ref: "4f1c02aa00112233".into(),
            last_resort_reuse: false,
        },
    ));
    room.apply(&at(
        71,
        ServerEventKind::WelcomeRouted {
            recipients: vec!["ben".into()],
            unroutable: 0,
        },
    ));
    room.apply(&at(
        95,
        ServerEventKind::Claimed {
            owner: "ben".into(),
            claimer: "10.0.0.66".into(),
            kp_ref: "c8c8c8c8c8c8c8c8".into(),
            last_resort_reuse: true,
        },
    ));
    room.apply(&at(
        130,
        ServerEventKind::Refused {
            route: "GET /recv/YmVu".into(),
            code: "unauthorized".into(),
            message: format!("the auth token is not {HOSTILE}'s"),
            peer: "10.0.0.66".into(),
        },
    ));
    room.refresh(&snapshot, NOW);
    room
}

fn render(room: &Room, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| frame.render_widget(room, frame.area()))
        .unwrap();
    text(terminal.backend().buffer())
}

/// What a teacher needs, whole, at every size.
fn assert_essentials(screen: &str, long_counters: bool) {
    assert!(
        screen.contains("URL http://10.0.0.5:8080/?room=tulip-42"),
        "{screen}"
    );
    assert!(screen.contains("room token required"), "{screen}");
    assert!(screen.contains("db workshop.sqlite"), "{screen}");
    let counters = if long_counters {
        "clients 3  key packages 3  claims 2  last-resort reuses 1  Welcomes 1  refusals 1"
    } else {
        "clients 3  packages 3  claims 2  reuses 1  Welcomes 1  refusals 1"
    };
    assert!(screen.contains(counters), "{screen}");
    for row in ["ana", "10.0.0.21", "ben", "10.0.0.22", "kept"] {
        assert!(screen.contains(row), "{row}\n{screen}");
    }
    // The hostile name reads as what it is, and does nothing.
    assert!(screen.contains(r"eve\u{1b}[2J\u{202e}"), "{screen}");
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202e}'));
    // The newest events are in view, in words.
    // (Wrapped at 80 columns, under itself.)
    assert!(
        screen.contains("LAST-RESORT REUSE: 10.0.0.66 got ben's last-resort key package"),
        "{screen}"
    );
    assert!(screen.contains("c8c8c8c8 again"), "{screen}");
    assert!(
        screen.contains("REFUSED unauthorized: GET /recv/YmVu from 10.0.0.66"),
        "{screen}"
    );
    assert!(screen.contains("02:10"), "the refusal's time\n{screen}");
}

#[test]
fn the_room_screen_at_100x30_keeps_the_url_the_counters_and_the_newest_events() {
    let screen = render(&workshop(0), 100, 30);
    assert_essentials(&screen, true);
    insta::assert_snapshot!("room_100x30", screen);
}

#[test]
fn the_room_screen_at_80x24_keeps_the_url_the_counters_and_the_newest_events() {
    let screen = render(&workshop(0), 80, 24);
    assert_essentials(&screen, false);
    insta::assert_snapshot!("room_80x24", screen);
}

#[test]
fn a_full_room_shows_the_newest_clients_and_says_how_many_are_below() {
    let room = workshop(37);
    for (width, height) in [(80, 24), (100, 30)] {
        let screen = render(&room, width, height);
        assert!(
            screen.contains("Clients · 40 · newest first"),
            "{width}×{height}\n{screen}"
        );
        assert!(screen.contains("more below"), "{width}×{height}\n{screen}");
        assert!(
            screen.contains("attendee36"),
            "the newest\n{width}×{height}\n{screen}"
        );
        assert!(screen.contains("?room=tulip-42"), "{screen}");
        assert!(screen.contains("refusals 1"), "{screen}");
        // The feed keeps its newest line in view beside a full table.
        assert!(screen.contains("REFUSED unauthorized"), "{screen}");
    }
}

#[test]
fn the_help_lists_every_key_of_the_room_screen() {
    let mut room = workshop(0);
    room.key(&KeyEvent::from(KeyCode::Char('?')));
    let screen = render(&room, 80, 24);
    for key in mls_lab::room::ROOM_KEYS {
        assert!(screen.contains(key.help), "{}\n{screen}", key.label);
    }
}
