//! The app and the UI against the real engine: key events in, state and rendered
//! frames out. Frames are rendered into ratatui's `TestBackend`; snapshots mask
//! every hex reference, key and timestamp (they differ on every run).

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use mls_lab::app::{self, Action, App, Effect, Msg, Settings, ACTIONS};
use mls_lab::engine::Lifecycle;
use mls_lab::ui::layout::Panel;
use mls_lab::ui::theme::ThemeName;
use mls_lab::worker::{settle, Inspection, Report, Request, Worker};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

struct Lab {
    app: App,
    worker: Worker,
}

fn lab_with(settings: Settings, clients: &str) -> Lab {
    let mut worker = Worker::spawn().expect("engine thread");
    let mut app = App::new(settings, Instant::now());
    app.update(Msg::Resize(80, 24));
    let mut lab = Lab {
        app: {
            let request = App::run_request("start", &[&format!("clients {clients}")]).unwrap();
            let effect = app.track(request);
            settle(&mut app, &mut worker, vec![effect]);
            app
        },
        worker,
    };
    lab.app.dirty = false;
    lab
}

fn lab() -> Lab {
    lab_with(
        Settings {
            speed: Duration::ZERO,
            ..Settings::default()
        },
        "alice bob carol dave",
    )
}

impl Lab {
    fn run(&mut self, lines: &[&str]) {
        let request = App::run_request("test", lines).unwrap();
        let effect = self.app.track(request);
        settle(&mut self.app, &mut self.worker, vec![effect]);
    }

    fn press(&mut self, code: KeyCode) {
        self.press_with(code, KeyModifiers::NONE);
    }

    fn press_with(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let effects = self.app.update(Msg::Key(KeyEvent::new(code, modifiers)));
        settle(&mut self.app, &mut self.worker, effects);
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    fn click(&mut self, column: u16, row: u16) {
        let effects = self.app.update(Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }));
        settle(&mut self.app, &mut self.worker, effects);
    }

    fn client(&self, name: &str) -> &mls_lab::engine::ClientView {
        self.app
            .view
            .clients
            .iter()
            .find(|c| c.name == name)
            .expect("client")
    }

    fn select_client(&mut self, name: &str) {
        let index = self
            .app
            .view
            .clients
            .iter()
            .position(|c| c.name == name)
            .expect("client");
        while self.app.client > index {
            self.press(KeyCode::Left);
        }
        while self.app.client < index {
            self.press(KeyCode::Right);
        }
    }

    fn buffer(&self, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| frame.render_widget(&self.app, frame.area()))
            .unwrap();
        terminal.backend().buffer().clone()
    }

    fn screen(&mut self, width: u16, height: u16) -> String {
        self.app.update(Msg::Resize(width, height));
        text(&self.buffer(width, height))
    }
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Replaces hex runs of 8 or more (references, keys, authenticators, timestamps),
/// and shorter runs (even one character) cut off by a panel's edge.
fn masked(screen: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String, edge: bool| {
        let n = run.chars().count();
        if n >= 8 || (edge && n >= 1 && out.ends_with(' ')) {
            out.push_str(&"#".repeat(n));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in screen.chars() {
        if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
            run.push(c);
        } else {
            // A run glued to letters is a word, not a hex value ("deadline", "decade").
            if c.is_alphabetic() && !run.is_empty() {
                out.push_str(&run);
                run.clear();
                out.push(c);
                continue;
            }
            flush(&mut run, &mut out, matches!(c, '│' | '┃' | '…' | '\n'));
            out.push(c);
        }
    }
    flush(&mut run, &mut out, true);
    out
}

/// Cells whose symbol run spells `needle` (a short reference) and all carry `style_check`.
fn cells_with(
    buffer: &Buffer,
    needle: &str,
    check: impl Fn(&ratatui::buffer::Cell) -> bool,
) -> usize {
    let area = buffer.area;
    let mut count = 0;
    for y in area.top()..area.bottom() {
        let row: Vec<&ratatui::buffer::Cell> = (area.left()..area.right())
            .map(|x| &buffer[(x, y)])
            .collect();
        let symbols: Vec<&str> = row.iter().map(|c| c.symbol()).collect();
        let n = needle.chars().count();
        for start in 0..row.len().saturating_sub(n - 1) {
            let word: String = symbols[start..start + n].concat();
            if word == needle && row[start..start + n].iter().all(|c| check(c)) {
                count += 1;
            }
        }
    }
    count
}

fn short(full: &str) -> String {
    full.chars().take(8).collect()
}

// ---------------------------------------------------------------- start

#[test]
fn starts_with_four_clients_an_empty_ds_and_a_hint() {
    let mut lab = lab();
    let names: Vec<&str> = lab
        .app
        .view
        .clients
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["alice", "bob", "carol", "dave"]);
    assert!(lab
        .app
        .view
        .clients
        .iter()
        .all(|c| c.key_packages.is_empty()));
    assert!(lab
        .app
        .view
        .ds
        .clients
        .values()
        .all(|d| d.normal.is_empty() && d.last_resort.is_none()));
    let screen = lab.screen(80, 24);
    assert!(screen.contains("Press g to generate"), "{screen}");
    insta::assert_snapshot!("start_80x24", masked(&screen));
}

// ---------------------------------------------------------------- keys

#[test]
fn generate_and_publish_keys_act_on_the_selected_client() {
    let mut lab = lab();
    lab.press(KeyCode::Char('g'));
    lab.press(KeyCode::Char('G'));
    assert_eq!(lab.client("alice").key_packages.len(), 2);
    assert!(lab.client("alice").key_packages[1].last_resort);
    assert!(lab.app.hint.is_none(), "the hint goes once the user acts");
    lab.press(KeyCode::Char('p'));
    let dir = &lab.app.view.ds.clients["alice"];
    assert_eq!(dir.normal.len(), 1);
    assert!(dir.last_resort.is_some());
    lab.press(KeyCode::Right);
    assert_eq!(lab.app.actor(), Some("bob"));
    lab.press(KeyCode::Char('g'));
    assert_eq!(lab.client("bob").key_packages.len(), 1);
    assert_eq!(lab.client("alice").key_packages.len(), 2);
}

#[test]
fn keys_that_need_an_argument_prefill_the_prompt_with_the_scenario_syntax() {
    let mut lab = lab();
    lab.press(KeyCode::Char('c'));
    assert_eq!(lab.app.prompt.as_ref().unwrap().input, "alice claim ");
    lab.press(KeyCode::Esc);
    lab.press(KeyCode::Char('n'));
    assert_eq!(
        lab.app.prompt.as_ref().unwrap().input,
        "alice create-group "
    );
    lab.type_text("team");
    lab.press(KeyCode::Enter);
    assert!(lab.app.prompt.is_none());
    assert_eq!(lab.app.view.groups.len(), 1);
    // `a` knows alice's group and leaves the cursor where the member goes.
    lab.press(KeyCode::Char('a'));
    let prompt = lab.app.prompt.clone().unwrap();
    assert_eq!(prompt.input, "alice add  --to team");
    assert_eq!(prompt.cursor, "alice add ".len());
}

#[test]
fn the_prompt_runs_lines_keeps_history_and_refuses_bad_lines_inline() {
    let mut lab = lab();
    lab.press(KeyCode::Char(':'));
    lab.type_text("bob generate 2");
    lab.press(KeyCode::Enter);
    assert_eq!(lab.client("bob").key_packages.len(), 2);
    assert_eq!(lab.app.history, ["bob generate 2"]);
    assert_eq!(
        lab.app.actor(),
        Some("bob"),
        "the typed line's actor is shown"
    );

    let events_before = lab.app.events.len();
    lab.press(KeyCode::Char(':'));
    lab.type_text("bob frobnicate");
    lab.press(KeyCode::Enter);
    let prompt = lab
        .app
        .prompt
        .clone()
        .expect("a bad line keeps the prompt open");
    let error = prompt.error.expect("inline error");
    assert!(error.contains("frobnicate"), "{error}");
    assert_eq!(lab.app.events.len(), events_before, "nothing ran");
    let screen = lab.screen(80, 24);
    assert!(screen.contains("✗"), "{screen}");
    insta::assert_snapshot!("prompt_error", masked(&screen));

    // History: Up recalls the last good line.
    lab.press_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
    lab.press(KeyCode::Up);
    assert_eq!(lab.app.prompt.as_ref().unwrap().input, "bob generate 2");
    lab.press(KeyCode::Enter);
    assert_eq!(lab.client("bob").key_packages.len(), 4);
}

#[test]
fn a_protocol_failure_is_a_toast_and_a_timeline_entry() {
    let mut lab = lab();
    lab.run(&["alice claim dave"]);
    let toast = lab.app.toasts.last().expect("toast");
    assert!(toast.error);
    assert!(toast.text.contains("alice claim dave"), "{}", toast.text);
    let failed = lab
        .app
        .events
        .iter()
        .any(|e| e.outcome == mls_lab::engine::Outcome::Error);
    assert!(failed);
    let screen = lab.screen(100, 30);
    assert!(screen.contains("✗ claim dave"), "{screen}");
    // Still alive: the next action works.
    lab.press(KeyCode::Char('g'));
    assert_eq!(lab.client("alice").key_packages.len(), 1);
}

// ---------------------------------------------------------------- follow a reference

#[test]
fn a_followed_reference_is_highlighted_in_every_panel_it_appears_in() {
    let mut lab = lab();
    lab.run(&[
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
    ]);
    lab.select_client("bob");
    lab.app.focus = Panel::KeyPackages;
    lab.press(KeyCode::Home);
    let bob_ref = lab.client("bob").key_packages[0].kp_ref.clone();
    assert_eq!(lab.app.followed.as_deref(), Some(bob_ref.as_str()));
    match &lab.app.inspection {
        Some(Inspection::KeyPackage(d)) => {
            assert_eq!(d.kp_ref, bob_ref);
            assert_eq!(d.owner, "bob");
            assert_eq!(d.suite, 1);
            assert!(d.credential.contains("bob"));
            assert!(d.capabilities.iter().any(|(n, _)| n == "extensions"));
        }
        other => panic!("inspector shows {other:?}"),
    }
    let theme = ThemeName::Dark.theme();
    let follow_bg = theme.follow.bg;
    lab.app.update(Msg::Resize(160, 48));
    let buffer = lab.buffer(160, 48);
    let highlighted = cells_with(&buffer, &short(&bob_ref), |c| Some(c.bg) == follow_bg);
    // Inventory row, header, timeline (publish, claim, Welcome), inspector.
    assert!(
        highlighted >= 5,
        "{highlighted} highlighted places\n{}",
        text(&buffer)
    );

    // The Welcome's new_member is the same reference; joining deletes the bundle.
    lab.run(&["deliver"]);
    let row = &lab.client("bob").key_packages[0];
    assert!(!row.bundle_present);
    assert_eq!(
        row.state,
        Lifecycle::UsedToJoin {
            group: "team".into()
        }
    );
    // The inspector tells the reference's journey, from generation to deletion.
    let kinds: Vec<&str> = lab
        .app
        .journey
        .iter()
        .map(|seq| lab.app.events[*seq as usize - 1].kind.name())
        .collect();
    assert_eq!(
        kinds,
        [
            "key_package_generated",
            "key_package_published",
            "key_package_claimed",
            "welcome_sent",
            "welcome_delivered",
            "group_joined",
            "private_bundle_deleted"
        ]
    );
    let screen = lab.screen(160, 48);
    assert!(screen.contains("journey (7 events)"), "{screen}");
    assert!(screen.contains("DS → alice"), "claimed by alice\n{screen}");
    let welcome = lab
        .app
        .events
        .iter()
        .position(|e| e.kind.name() == "welcome_sent")
        .unwrap();
    lab.app.focus = Panel::Timeline;
    lab.press(KeyCode::Home);
    for _ in 0..welcome {
        lab.press(KeyCode::Down);
    }
    match &lab.app.inspection {
        Some(Inspection::Welcome(d)) => {
            assert_eq!(d.group, "team");
            assert_eq!(d.secrets.len(), 1);
            assert_eq!(d.secrets[0].new_member, bob_ref);
            assert_eq!(d.secrets[0].owner.as_deref(), Some("bob"));
            assert_eq!(d.secrets[0].matched_by.as_deref(), Some("bob"));
        }
        other => panic!("inspector shows {other:?}"),
    }
    let screen = lab.screen(160, 48);
    assert!(screen.contains("matched by bob"), "{screen}");
    insta::assert_snapshot!("welcome_inspector_160x48", masked(&screen));
}

// ---------------------------------------------------------------- last resort

#[test]
fn last_resort_reuse_gets_a_badge_and_a_counter() {
    let mut lab = lab();
    lab.run(&[
        "bob generate --last-resort",
        "bob publish --all",
        "alice claim bob",
        "carol claim bob",
        "dave claim bob",
    ]);
    assert_eq!(lab.app.reuses(), 2);
    lab.select_client("bob");
    let screen = lab.screen(100, 30);
    assert!(screen.contains("last-resort reuses 2"), "{screen}");
    assert!(screen.contains("LR↻2"), "{screen}");
    assert!(screen.contains("↻ reuse"), "{screen}");
    insta::assert_snapshot!("last_resort_reuse_100x30", masked(&screen));
}

// ---------------------------------------------------------------- screens

#[test]
fn main_screen_after_a_join_at_80x24_and_wide() {
    let mut lab = lab();
    lab.run(&[
        "bob generate 2",
        "bob generate --last-resort",
        "bob publish --all",
        "carol generate",
        "carol publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
        "deliver",
    ]);
    lab.select_client("bob");
    let small = lab.screen(80, 24);
    assert!(small.contains("joined team"), "{small}");
    insta::assert_snapshot!("main_80x24", masked(&small));
    let wide = lab.screen(160, 48);
    assert!(wide.contains("in sync"), "{wide}");
    assert!(wide.contains("used to join team"), "{wide}");
    insta::assert_snapshot!("main_160x48", masked(&wide));
}

#[test]
fn help_overlay_lists_every_declared_action() {
    let mut lab = lab();
    lab.press(KeyCode::Char('?'));
    assert!(lab.app.show_help);
    let screen = lab.screen(100, 40);
    for spec in ACTIONS {
        assert!(
            screen.contains(spec.help),
            "help lacks {:?}\n{screen}",
            spec.action
        );
    }
    insta::assert_snapshot!("help_100x40", screen);
    lab.press(KeyCode::Char('x'));
    assert!(!lab.app.show_help, "any key closes help");

    // At 80×24 it scrolls, and every action can be reached.
    lab.press(KeyCode::Char('?'));
    let mut seen = String::new();
    for _ in 0..40 {
        seen.push_str(&lab.screen(80, 24));
        lab.press(KeyCode::Down);
    }
    assert!(lab.app.show_help, "the arrows scroll, they do not close");
    for spec in ACTIONS {
        let start: String = spec.help.chars().take(40).collect();
        assert!(
            seen.contains(&start),
            "help at 80×24 never shows {:?}",
            spec.action
        );
    }
    assert!(seen.contains("↑↓ scroll"));
    lab.press(KeyCode::Esc);
    assert!(!lab.app.show_help);
}

#[test]
fn the_status_bar_is_generated_from_the_declarations() {
    let mut lab = lab();
    let screen = lab.screen(200, 30);
    let status = screen.lines().nth(29).unwrap();
    for spec in ACTIONS.iter().filter(|s| s.status) {
        assert!(
            status.contains(spec.label),
            "status bar lacks {}: {status}",
            spec.label
        );
    }
}

#[test]
fn below_80x24_the_screen_asks_for_a_larger_terminal_and_recovers() {
    let mut lab = lab();
    let screen = lab.screen(60, 20);
    assert!(screen.contains("enlarge the terminal"), "{screen}");
    assert!(screen.contains("60×20"), "{screen}");
    insta::assert_snapshot!("too_small", screen);
    let screen = lab.screen(80, 24);
    assert!(screen.contains("Key packages of alice"), "{screen}");
}

#[test]
fn monochrome_marks_the_followed_reference_with_modifiers_not_colour() {
    let mut lab = lab_with(
        Settings {
            speed: Duration::ZERO,
            theme: ThemeName::Mono,
            suite: 1,
        },
        "alice bob",
    );
    lab.run(&["alice generate 2"]);
    lab.press(KeyCode::Down);
    let followed = lab.app.followed.clone().expect("following");
    let buffer = lab.buffer(80, 24);
    let reversed = cells_with(&buffer, &short(&followed), |c| {
        c.modifier.contains(Modifier::REVERSED) && c.fg == Color::Reset && c.bg == Color::Reset
    });
    assert!(reversed >= 2, "{reversed}\n{}", text(&buffer));
    let coloured = buffer
        .content()
        .iter()
        .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
        .count();
    assert_eq!(coloured, 0, "monochrome uses no colour");
}

#[test]
fn t_cycles_through_the_themes() {
    let mut lab = lab();
    let mut seen = vec![lab.app.theme];
    for _ in 0..4 {
        lab.press(KeyCode::Char('t'));
        seen.push(lab.app.theme);
    }
    assert_eq!(
        seen,
        [
            ThemeName::Dark,
            ThemeName::Light,
            ThemeName::HighContrast,
            ThemeName::Mono,
            ThemeName::Dark
        ]
    );
}

// ---------------------------------------------------------------- mouse

#[test]
fn clicking_selects_panels_and_rows_and_the_wheel_scrolls() {
    let mut lab = lab();
    lab.app.update(Msg::Resize(80, 24));
    let areas = lab.app.areas(Rect::new(0, 0, 80, 24));
    let clients = areas.get(Panel::Clients).unwrap();
    // Row 0 is the border, row 1 the column names, row 2 alice, row 4 carol.
    lab.click(clients.x + 3, clients.y + 4);
    assert_eq!(lab.app.focus, Panel::Clients);
    assert_eq!(lab.app.actor(), Some("carol"));

    lab.run(&["carol generate 12"]);
    let kps = areas.get(Panel::KeyPackages).unwrap();
    lab.click(kps.x + 5, kps.y + 3);
    assert_eq!(lab.app.focus, Panel::KeyPackages);
    assert_eq!(lab.app.kp_cursor, 1);
    assert_eq!(
        lab.app.followed.as_deref(),
        Some(lab.client("carol").key_packages[1].kp_ref.as_str())
    );
    let effects = lab.app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: kps.x + 5,
        row: kps.y + 3,
        modifiers: KeyModifiers::NONE,
    }));
    settle(&mut lab.app, &mut lab.worker, effects);
    assert_eq!(lab.app.kp_cursor, 4);
}

// ---------------------------------------------------------------- never blocks

#[test]
fn thousands_of_key_packages_run_off_the_ui_with_progress_and_can_be_stopped() {
    let mut lab = lab();
    let effects = lab.app.update(Msg::Action(Action::Prompt));
    assert!(effects.is_empty());
    lab.app
        .update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    // 10,000 asked (the most a line may ask), so that the batch outlasts the test's
    // keys even on a fast machine; it is stopped early.
    let request = App::run_request("generate", &["alice generate 10000"]).unwrap();
    lab.app.running += 1;
    assert!(lab.worker.send(request));
    // update() returned at once; the engine reports progress while the UI answers keys.
    let mut progress = 0;
    let mut answered = false;
    loop {
        let report = lab.worker.recv_blocking().expect("report");
        let idle = matches!(report, Report::Idle { .. });
        if let Report::Progress { done, total, .. } = &report {
            assert_eq!(*total, 10_000);
            progress = progress.max(*done);
        }
        let effects = lab.app.update(Msg::Report(report));
        for effect in effects {
            if let Effect::Send(request) = effect {
                lab.worker.send(request);
            }
        }
        if progress >= 20 && !answered {
            assert!(lab.app.busy.is_some(), "a progress indicator is shown");
            let screen = lab.screen(120, 30);
            assert!(screen.contains("/10000"), "{screen}");
            let small = lab.screen(80, 24);
            assert!(
                small.lines().next().unwrap().contains("/10000"),
                "the progress shows at 80 columns too\n{small}"
            );
            // A key is answered while the batch runs...
            lab.app.update(Msg::Key(KeyEvent::new(
                KeyCode::Char('t'),
                KeyModifiers::NONE,
            )));
            assert_eq!(lab.app.theme, ThemeName::Light);
            // ...and Esc stops the batch.
            let effects = lab.app.update(Msg::Action(Action::Escape));
            assert_eq!(effects, vec![Effect::Cancel]);
            lab.worker.cancel();
            answered = true;
        }
        if idle {
            break;
        }
    }
    assert!(answered, "progress was reported");
    let made = lab.client("alice").key_packages.len();
    assert!(
        (20..10_000).contains(&made),
        "{made} generated before the stop"
    );
    assert!(lab.app.busy.is_none());
}

#[test]
fn nothing_is_due_and_nothing_redraws_while_nothing_changes() {
    let mut lab = lab();
    lab.run(&["alice generate"]);
    // New items flash; once the flash is over, no frame is due.
    assert!(lab.app.next_deadline().is_some());
    let later = lab.app.now + Duration::from_secs(10);
    lab.app.update(Msg::Tick(later));
    assert_eq!(lab.app.next_deadline(), None);
    lab.app.dirty = false;
    lab.app
        .update(Msg::Key(KeyEvent::new(KeyCode::F(9), KeyModifiers::NONE)));
    assert!(!lab.app.dirty, "an unbound key changes nothing");
    lab.app.update(Msg::Tick(later + Duration::from_secs(1)));
    assert!(!lab.app.dirty, "an idle tick changes nothing");
}

#[test]
fn messages_travel_along_the_timeline_at_the_configured_speed() {
    let mut lab = lab_with(
        Settings {
            speed: Duration::from_millis(500),
            ..Settings::default()
        },
        "alice bob",
    );
    let start = lab.app.now;
    // Land the registrations first.
    lab.app.update(Msg::Tick(start + Duration::from_secs(5)));
    lab.app.update(Msg::Tick(start + Duration::from_secs(10)));
    lab.run(&["alice generate", "alice publish --all"]);
    let flight = lab.app.flight().expect("the upload is in flight");
    assert_eq!(flight.progress, 0.0);
    let published = lab.app.events.last().unwrap().seq;
    assert_eq!(flight.seq, published);
    assert!(lab.app.visible_events() < lab.app.events.len());
    let now = lab.app.now;
    lab.app.update(Msg::Tick(now + Duration::from_millis(250)));
    let half = lab.app.flight().unwrap().progress;
    assert!((0.4..0.6).contains(&half), "{half}");
    let screen = lab.screen(100, 30);
    assert!(screen.contains('●'), "the message head is drawn\n{screen}");
    lab.app.update(Msg::Tick(now + Duration::from_millis(600)));
    assert!(lab.app.flight().is_none());
    assert_eq!(lab.app.visible_events(), lab.app.events.len());
}

// ---------------------------------------------------------------- lessons

#[test]
fn a_lesson_runs_one_step_per_space_with_its_comment_as_caption() {
    let mut lab = lab();
    let lesson = app::lesson_from(
        "lesson",
        "# bob makes a package\nbob generate\n# and uploads it\nbob publish --all\n",
    )
    .unwrap();
    lab.app.load_lesson(lesson);
    assert!(lab.app.hint.as_deref().unwrap().contains("2 steps"));
    lab.press(KeyCode::Char(' '));
    assert_eq!(
        lab.app.caption.as_deref(),
        Some("[1/2] bob makes a package · bob generate")
    );
    assert_eq!(lab.client("bob").key_packages.len(), 1);
    assert_eq!(lab.client("bob").published, 0);
    assert_eq!(lab.app.actor(), Some("bob"), "the step's actor is shown");
    lab.press(KeyCode::Char(' '));
    assert_eq!(
        lab.app.caption.as_deref(),
        Some("[2/2] and uploads it · bob publish --all")
    );
    assert_eq!(lab.client("bob").published, 1);
    let screen = lab.screen(80, 24);
    assert!(screen.contains("and uploads it"), "{screen}");
    lab.press(KeyCode::Char(' '));
    assert!(lab.app.toasts.last().unwrap().text.contains("over"));
}

#[test]
fn the_default_scenario_loads_as_a_lesson() {
    let lesson = app::lesson_from("default", mls_lab::runner::DEFAULT_SCENARIO).expect("parses");
    assert!(lesson.steps.len() > 20);
    assert!(lesson.steps.iter().all(|(caption, _)| !caption.is_empty()));
}

// ---------------------------------------------------------------- declarations

#[test]
fn every_action_is_declared_once_and_no_key_is_bound_twice() {
    let mut seen = Vec::new();
    for spec in ACTIONS {
        assert!(
            !seen.contains(&spec.action),
            "{:?} declared twice",
            spec.action
        );
        seen.push(spec.action);
        for key in spec.keys {
            let event = KeyEvent::new(
                key.code,
                if key.ctrl {
                    KeyModifiers::CONTROL
                } else {
                    KeyModifiers::NONE
                },
            );
            assert_eq!(
                Action::for_key(&event),
                Some(spec.action),
                "{}",
                key.label()
            );
        }
    }
    for required in [
        Action::Generate,
        Action::GenerateLastResort,
        Action::Publish,
        Action::Claim,
        Action::CreateGroup,
        Action::AddMember,
        Action::DeliverAndJoin,
        Action::SelfUpdate,
        Action::RotateLastResort,
    ] {
        assert!(required.spec().is_some(), "{required:?} has no key");
    }
}

#[test]
fn the_readme_key_map_is_the_declared_one() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let map = app::action::key_map_markdown();
    assert!(
        readme.contains(&map),
        "README.md's key map is out of date; it should read:\n{map}"
    );
}

#[test]
fn requests_are_built_by_the_one_parser() {
    let error = App::run_request("x", &["bob generate", "bob frobnicate"]).unwrap_err();
    let parser = mls_lab::command::parse_line("bob frobnicate")
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("bob frobnicate: "), "{error}");
    assert!(error.ends_with(&parser), "{error} vs {parser}");
    match App::run_request("x", &["# a comment", "bob generate"]).unwrap() {
        Request::Run { lines, .. } => assert_eq!(lines.len(), 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ctrl_c_and_q_quit() {
    let mut lab = lab();
    lab.press_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(lab.app.quit);
    let mut lab = lab_with(Settings::default(), "alice");
    lab.press(KeyCode::Char(':'));
    lab.press(KeyCode::Char('q'));
    assert!(!lab.app.quit, "q types into the prompt");
    lab.press(KeyCode::Esc);
    lab.press(KeyCode::Char('q'));
    assert!(lab.app.quit);
}

#[test]
fn inspecting_an_unknown_welcome_is_a_clear_message() {
    let mut lab = lab();
    let effects = vec![Effect::Send(Request::InspectWelcome { seq: 1 })];
    settle(&mut lab.app, &mut lab.worker, effects);
    match &lab.app.inspection {
        Some(Inspection::Unavailable(why)) => assert!(why.contains("#1"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn new_items_flash_until_the_flash_is_over() {
    let mut lab = lab();
    lab.run(&["bob generate"]);
    let fresh = lab.client("bob").key_packages[0].kp_ref.clone();
    assert_ne!(lab.app.followed.as_deref(), Some(fresh.as_str()));
    let flash_bg = ThemeName::Dark.theme().flash.bg;
    lab.select_client("bob");
    lab.app.followed = None;
    let buffer = lab.buffer(100, 30);
    assert!(cells_with(&buffer, &short(&fresh), |c| Some(c.bg) == flash_bg) >= 1);
    let later = lab.app.now + Duration::from_secs(5);
    lab.app.update(Msg::Tick(later));
    let buffer = lab.buffer(100, 30);
    assert_eq!(
        cells_with(&buffer, &short(&fresh), |c| Some(c.bg) == flash_bg),
        0
    );
}

#[test]
fn zoom_gives_the_focused_panel_the_whole_screen() {
    let mut lab = lab();
    lab.app.focus = Panel::Timeline;
    lab.press(KeyCode::Char('z'));
    let screen = lab.screen(80, 24);
    assert!(screen.contains("Timeline"), "{screen}");
    assert!(!screen.contains("Clients ("), "{screen}");
    lab.press(KeyCode::Esc);
    assert!(!lab.app.zoomed);
}

#[test]
fn a_long_prompt_line_scrolls_to_keep_the_cursor_visible() {
    let mut lab = lab();
    lab.press(KeyCode::Char(':'));
    let long = format!("bob publish --raw {}", "ab".repeat(60));
    lab.type_text(&long);
    let screen = lab.screen(80, 24);
    let prompt_line = screen.lines().nth(22).unwrap();
    assert!(prompt_line.ends_with("abab"), "{prompt_line}");
    assert!(!prompt_line.contains("publish"), "{prompt_line}");
    lab.press(KeyCode::Home);
    let screen = lab.screen(80, 24);
    assert!(screen
        .lines()
        .nth(22)
        .unwrap()
        .starts_with(":bob publish --raw"));
    // Bad bytes are refused by the DS with a clear message; nothing is stored.
    lab.press(KeyCode::Enter);
    let toast = lab.app.toasts.last().expect("toast");
    assert!(
        toast.error && toast.text.contains("publish --raw"),
        "{}",
        toast.text
    );
    assert!(lab.app.view.ds.clients["bob"].normal.is_empty());
}

#[test]
fn tab_completes_names_verbs_and_options_from_the_parser() {
    let mut lab = lab();
    lab.run(&["alice create-group team"]);
    lab.press(KeyCode::Char(':'));
    lab.type_text("b");
    lab.press(KeyCode::Tab);
    assert_eq!(lab.app.prompt.as_ref().unwrap().input, "bob ");
    lab.type_text("ge");
    lab.press(KeyCode::Tab);
    assert_eq!(lab.app.prompt.as_ref().unwrap().input, "bob generate ");
    lab.type_text("--l");
    lab.press(KeyCode::Tab);
    assert_eq!(
        lab.app.prompt.as_ref().unwrap().input,
        "bob generate --l",
        "--lifetime and --last-resort share '--l'"
    );
    let completions = lab.app.prompt.as_ref().unwrap().completions.clone();
    assert_eq!(completions, ["--last-resort", "--lifetime"]);
    let screen = lab.screen(100, 30);
    assert!(screen.contains("Tab: --last-resort --lifetime"), "{screen}");
    lab.type_text("a");
    lab.press(KeyCode::Tab);
    assert_eq!(
        lab.app.prompt.as_ref().unwrap().input,
        "bob generate --last-resort "
    );
    lab.press(KeyCode::Enter);
    assert!(lab.client("bob").key_packages[0].last_resort);

    // Group names complete after `--to`.
    lab.press(KeyCode::Char(':'));
    lab.type_text("alice add bob --to t");
    lab.press(KeyCode::Tab);
    assert_eq!(
        lab.app.prompt.as_ref().unwrap().input,
        "alice add bob --to team "
    );
}

// ---------------------------------------------------------------- saving a session

#[test]
fn a_saved_session_replays_headless_to_the_same_state() {
    let mut lab = lab();
    lab.select_client("bob");
    lab.press(KeyCode::Char('g'));
    lab.press(KeyCode::Char('G'));
    lab.press(KeyCode::Char('p'));
    lab.select_client("alice");
    lab.press(KeyCode::Char('n'));
    lab.type_text("team");
    lab.press(KeyCode::Enter);
    lab.press(KeyCode::Char('a'));
    lab.type_text("bob");
    lab.press(KeyCode::Enter);
    lab.press(KeyCode::Char('d'));
    // A failure on the way: carol has nothing to claim.
    lab.run(&["alice claim carol"]);
    lab.run(&["expect bob member-of team"]);

    let effects = lab.app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('w'),
        KeyModifiers::NONE,
    )));
    let [Effect::SaveSession { contents }] = effects.as_slice() else {
        panic!("w saves: {effects:?}");
    };
    let scenario: Vec<&str> = contents
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert_eq!(
        scenario,
        [
            "clients alice bob carol dave",
            "bob generate",
            "bob generate --last-resort",
            "bob publish --all",
            "alice create-group team",
            "alice add bob --to team",
            "deliver",
            "alice claim carol",
            "expect error NoKeyPackageAvailable",
            "expect bob member-of team",
        ]
    );
    assert!(contents.contains("# Transcript"));
    assert!(contents.contains("group_joined"));

    // Replayed on a fresh engine, headless, every expectation holds.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut engine = mls_lab::engine::Engine::new();
        let report = mls_lab::runner::run_source(&mut engine, "session", contents, |_| {})
            .await
            .expect("the saved session parses");
        assert!(report.passed(), "{:?}", report.failures);
        let bob = engine.client("bob").unwrap();
        assert_eq!(bob.inventory().len(), 2);
        assert!(bob.group_view("team").is_some());
    });
}

#[test]
fn suite_2_reaches_every_key_that_takes_a_suite() {
    let mut lab = lab_with(
        Settings {
            speed: Duration::ZERO,
            theme: ThemeName::Dark,
            suite: 2,
        },
        "alice bob",
    );
    lab.press(KeyCode::Char('g'));
    assert_eq!(lab.client("alice").key_packages[0].suite, 2);
    lab.press(KeyCode::Char('n'));
    let prompt = lab.app.prompt.clone().unwrap();
    assert_eq!(prompt.input, "alice create-group  --suite 2");
    assert_eq!(prompt.cursor, "alice create-group ".len());
    lab.type_text("p256");
    lab.press(KeyCode::Enter);
    lab.select_client("bob");
    lab.press(KeyCode::Char('g'));
    lab.press(KeyCode::Char('p'));
    lab.select_client("alice");
    lab.press(KeyCode::Char('c'));
    assert_eq!(
        lab.app.prompt.as_ref().unwrap().input,
        "alice claim  --suite 2"
    );
    lab.type_text("bob");
    lab.press(KeyCode::Enter);
    assert!(
        lab.app.toasts.iter().all(|t| !t.error),
        "{:?}",
        lab.app.toasts
    );
    lab.press(KeyCode::Char('a'));
    lab.type_text("bob");
    lab.press(KeyCode::Enter);
    lab.press(KeyCode::Char('d'));
    let group = lab
        .app
        .view
        .groups
        .iter()
        .find(|g| g.name == "p256")
        .expect("group");
    assert_eq!(group.members.len(), 2);
    assert!(group.in_sync());
    assert!(
        lab.app.toasts.iter().all(|t| !t.error),
        "{:?}",
        lab.app.toasts
    );
}

#[test]
fn the_inspector_scrolls_within_its_lines() {
    let mut lab = lab();
    lab.press(KeyCode::Char('g'));
    lab.app.focus = Panel::Inspector;
    for _ in 0..200 {
        lab.press(KeyCode::Down);
    }
    let len = mls_lab::ui::inspector_len(&lab.app);
    assert!(len > 10, "{len}");
    assert_eq!(lab.app.inspector_scroll, len - 1);
    lab.press(KeyCode::Up);
    assert_eq!(lab.app.inspector_scroll, len - 2);
    lab.press(KeyCode::Home);
    assert_eq!(lab.app.inspector_scroll, 0);
}

#[test]
fn following_from_the_timeline_shows_the_owners_storage() {
    let mut lab = lab();
    lab.run(&["carol generate 3", "carol publish --all"]);
    assert_eq!(lab.app.actor(), Some("alice"));
    lab.app.focus = Panel::Timeline;
    // The newest event: carol's third upload.
    lab.press(KeyCode::End);
    lab.press(KeyCode::Up);
    lab.press(KeyCode::Down);
    let third = lab.client("carol").key_packages[2].kp_ref.clone();
    assert_eq!(lab.app.followed.as_deref(), Some(third.as_str()));
    assert_eq!(lab.app.actor(), Some("carol"));
    assert_eq!(lab.app.kp_cursor, 2);
    // Highlighted in carol's inventory and her DS directory, as well as the timeline.
    let buffer = lab.buffer(160, 48);
    let follow_bg = ThemeName::Dark.theme().follow.bg;
    let places = cells_with(&buffer, &short(&third), |c| Some(c.bg) == follow_bg);
    assert!(places >= 4, "{places}\n{}", text(&buffer));
}

#[test]
fn client_keys_without_clients_say_how_to_make_one_and_change_nothing() {
    let mut app = App::new(Settings::default(), Instant::now());
    for key in ['g', 'G', 'p', 'c', 'n', 'a', 'u', 'r'] {
        let effects = app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char(key),
            KeyModifiers::NONE,
        )));
        assert!(effects.is_empty(), "{key}: {effects:?}");
        assert!(app.prompt.is_none(), "{key}");
        let toast = app.toasts.last().expect("toast");
        assert!(
            toast.error && toast.text.contains(":clients NAME"),
            "{}",
            toast.text
        );
    }
    assert!(app.session.is_empty());
}
