//! Rendering cost: one full frame of the app (`impl Widget for &App`) drawn into a
//! 200×60 ratatui `TestBackend`, for states built with the real engine.
//!
//! | benchmark                   | state                                                                 |
//! |-----------------------------|-----------------------------------------------------------------------|
//! | `render/baseline`           | an empty bordered `Paragraph` over the whole frame: ratatui's own cost |
//! | `render/small`              | 4 clients, 20 key packages, group `team` of 3 (see [`SMALL`])         |
//! | `render/small_timeline_mid` | the same, timeline focused, its cursor on the middle event            |
//! | `render/large`              | 64 clients, 10,000 key packages, 5,000 published (see [`large_lines`]) |
//! | `render/large_timeline_mid` | the same, timeline focused, its cursor on the middle event            |
//!
//! The states are built once per run, outside the timed loop, exactly as the TUI
//! builds them: `App::run_request` → `Effect::Send` → `common::settle` (tests/common) against the
//! engine thread (real OpenMLS, no mocks). The large one takes some seconds and is
//! built only when a `large` benchmark runs. Then the clock is moved past every
//! flash and toast, so each frame is the idle steady state.
//!
//! Each iteration is one `Terminal::draw`: the widget renders into the current
//! buffer, ratatui diffs it against the previous one and writes the changes to the
//! backend. The same frame is drawn every time, so after the first the diff is
//! empty: this measures building and diffing the frame, not terminal output.
//!
//! `cargo test --all-targets` runs this binary in criterion's test mode (each
//! benchmark once, unoptimised); there the large state is scaled down to 64 × 2
//! key packages so that the test run stays fast.
//!
//! `lesson/back_from_step_10`: the default lesson at step 10 in a seeded lab;
//! Backspace rebuilds the lab (a fresh engine replays steps 1 to 9) and is timed
//! until the engine has answered; Space then runs step 10 again, untimed.
//!
//! Run: `cargo bench --bench render`. Results: `docs/benchmarks.md`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use mls_lab::app::layout::Panel;
use mls_lab::app::{lesson_from, Action, App, Effect, Msg, Settings, FLASH, TOAST};
use mls_lab::engine::Randomness;
use mls_lab::runner::DEFAULT_SCENARIO;
use mls_lab::worker::Worker;

#[path = "../tests/common/mod.rs"]
mod common;
use ratatui::backend::TestBackend;
use ratatui::widgets::{Block, Paragraph};
use ratatui::Terminal;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

/// The small state: 4 clients, 20 key packages (one last-resort), 3 clients
/// publish everything, alice adds bob and carol to `team`, everyone joins.
const SMALL: &[&str] = &[
    "clients alice bob carol dave",
    "alice generate 5",
    "bob generate 5",
    "carol generate 5",
    "dave generate 4",
    "dave generate --last-resort",
    "bob publish --all",
    "carol publish --all",
    "dave publish --all",
    "alice create-group team",
    "alice add bob carol --to team",
    "deliver",
];

/// The large state: clients `c00`…`c63` with `total` key packages between them
/// (the first `total % 64` get one more), every even-numbered client publishes all
/// of its own, and `c00` adds `c02` and `c04` to `big`.
fn large_lines(total: usize) -> Vec<String> {
    const CLIENTS: usize = 64;
    let names: Vec<String> = (0..CLIENTS).map(|i| format!("c{i:02}")).collect();
    let mut lines = vec![format!("clients {}", names.join(" "))];
    for (i, name) in names.iter().enumerate() {
        let count = total / CLIENTS + usize::from(i < total % CLIENTS);
        lines.push(format!("{name} generate {count}"));
    }
    for name in names.iter().step_by(2) {
        lines.push(format!("{name} publish --all"));
    }
    lines.push("c00 create-group big".into());
    lines.push("c00 add c02 c04 --to big".into());
    lines.push("deliver".into());
    lines
}

/// Criterion's own rule: without `--bench` (or with `--test`) it only tests.
fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
}

/// An app at 200×60 with `lines` run on a real engine thread, settled, and its
/// clock moved past every flash and toast. The worker stays alive for later moves.
fn build(label: &str, lines: &[&str]) -> (App, Worker) {
    let started = Instant::now();
    let now = Instant::now();
    let settings = Settings {
        speed: Duration::ZERO,
        ..Default::default()
    };
    let mut app = App::new(settings, now);
    app.update(Msg::Resize(WIDTH, HEIGHT));
    let mut worker = Worker::spawn().expect("engine thread");
    let request = App::run_request(label, lines).expect("the benchmark's lines parse");
    common::settle(&mut app, &mut worker, vec![Effect::Send(request)]);
    if let Some(failed) = app.toasts().iter().find(|t| t.is_error()) {
        panic!("building the {label} state failed: {}", failed.text);
    }
    app.update(Msg::Tick(now + FLASH + TOAST + Duration::from_secs(1)));
    assert!(app.progress().is_none() && app.batches_in_flight() == 0 && app.toasts().is_empty());
    let kps: usize = app
        .view()
        .clients
        .iter()
        .map(|c| c.key_packages.len())
        .sum();
    eprintln!(
        "{label}: {} clients, {kps} key packages, {} events, built in {:.1?}",
        app.view().clients.len(),
        app.events().len(),
        started.elapsed()
    );
    (app, worker)
}

fn large() -> (App, Worker) {
    let total = if test_mode() { 128 } else { 10_000 };
    let lines = large_lines(total);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (app, worker) = build("large", &lines);
    let kps: usize = app
        .view()
        .clients
        .iter()
        .map(|c| c.key_packages.len())
        .sum();
    assert_eq!((app.view().clients.len(), kps), (64, total));
    (app, worker)
}

/// Focuses the timeline and puts its cursor on the middle event, as `Tab` and the
/// arrow keys would (the inspector then shows that event's key package).
fn timeline_mid(app: &mut App, worker: &mut Worker) {
    app.set_focus(Panel::Timeline);
    let middle = app.visible_events() / 2;
    let mut effects = app.update(Msg::Action(Action::Top));
    while app.cursor(Panel::Timeline) < middle {
        // Only the last selection's inspection matters.
        effects = app.update(Msg::Action(Action::Down));
    }
    common::settle(app, worker, effects);
    assert_eq!(app.cursor(Panel::Timeline), middle);
}

fn new_terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal")
}

/// One frame of `app`, as the TUI draws it.
fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal
        .draw(|f| f.render_widget(black_box(app), f.area()))
        .expect("draw");
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");

    let mut terminal = new_terminal();
    group.bench_function("baseline", |b| {
        b.iter(|| {
            terminal
                .draw(|f| f.render_widget(Paragraph::new("").block(Block::bordered()), f.area()))
                .expect("draw");
        })
    });

    let (mut app, mut worker) = build("small", SMALL);
    let mut terminal = new_terminal();
    group.bench_function("small", |b| b.iter(|| draw(&mut terminal, &app)));
    timeline_mid(&mut app, &mut worker);
    let mut terminal = new_terminal();
    group.bench_function("small_timeline_mid", |b| {
        b.iter(|| draw(&mut terminal, &app))
    });

    // Built on first use, so only when a large benchmark is selected. Criterion
    // calls these closures once per sample; only `b.iter` is timed.
    let mut large_state: Option<(App, Worker)> = None;
    let mut terminal = new_terminal();
    group.bench_function("large", |b| {
        let (app, _) = large_state.get_or_insert_with(large);
        b.iter(|| draw(&mut terminal, app))
    });
    let mut terminal = new_terminal();
    group.bench_function("large_timeline_mid", |b| {
        let (app, worker) = large_state.get_or_insert_with(large);
        if app.focus() != Panel::Timeline {
            timeline_mid(app, worker);
        }
        b.iter(|| draw(&mut terminal, app))
    });
    group.finish();
}

/// The default lesson stepped to step 10 in a seeded lab, as the TUI runs it.
fn lesson_at_step_10() -> (App, Worker) {
    let randomness = Randomness::Seeded(9420);
    let mut worker = Worker::spawn_with(randomness).expect("engine thread");
    let mut app = App::new(
        Settings {
            speed: Duration::ZERO,
            ..Settings::default()
        },
        Instant::now(),
    );
    app.set_randomness(randomness);
    app.update(Msg::Resize(WIDTH, HEIGHT));
    app.load_lesson(lesson_from("default", DEFAULT_SCENARIO).expect("the default lesson"));
    for _ in 0..10 {
        let effects = app.update(Msg::Action(Action::NextStep));
        common::settle(&mut app, &mut worker, effects);
    }
    (app, worker)
}

fn lesson(c: &mut Criterion) {
    let mut group = c.benchmark_group("lesson");
    let (mut app, mut worker) = lesson_at_step_10();
    group.bench_function("back_from_step_10", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let start = Instant::now();
                let effects = app.update(Msg::Action(Action::PrevStep));
                common::settle(&mut app, &mut worker, effects);
                total += start.elapsed();
                let effects = app.update(Msg::Action(Action::NextStep));
                common::settle(&mut app, &mut worker, effects);
            }
            total
        })
    });
    group.finish();
}

criterion_group! {
    name = render;
    config = Criterion::default().warm_up_time(Duration::from_secs(2));
    targets = benches, lesson
}
criterion_main!(render);
