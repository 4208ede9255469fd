//! The shared harness: a lab on the real engine thread, key presses, clicks,
//! rendered screens and the masking of references in snapshots.
#![allow(unused_imports)]

pub use std::time::{Duration, Instant};

pub use crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
pub use mls_lab::app::layout::Panel;
pub use mls_lab::app::ThemeName;
pub use mls_lab::app::{self, Action, App, Effect, Msg, Settings, ACTIONS};
pub use mls_lab::engine::Lifecycle;
pub use mls_lab::ui::theme::Theme;
pub use mls_lab::worker::{Inspection, Report, Request, Worker};
pub use ratatui::backend::TestBackend;
pub use ratatui::buffer::Buffer;
pub use ratatui::layout::Rect;
pub use ratatui::style::{Color, Modifier};
pub use ratatui::Terminal;

pub use crate::common::settle;

pub struct Lab {
    pub app: App,
    pub worker: Worker,
}

pub fn lab_with(settings: Settings, clients: &str) -> Lab {
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
    lab.app.mark_drawn();
    lab
}

pub fn lab() -> Lab {
    lab_with(
        Settings {
            speed: Duration::ZERO,
            ..Settings::default()
        },
        "alice bob carol dave",
    )
}

impl Lab {
    pub fn run(&mut self, lines: &[&str]) {
        let request = App::run_request("test", lines).unwrap();
        let effect = self.app.track(request);
        settle(&mut self.app, &mut self.worker, vec![effect]);
    }

    pub fn press(&mut self, code: KeyCode) {
        self.press_with(code, KeyModifiers::NONE);
    }

    pub fn press_with(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let effects = self.app.update(Msg::Key(KeyEvent::new(code, modifiers)));
        settle(&mut self.app, &mut self.worker, effects);
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    pub fn click(&mut self, column: u16, row: u16) {
        let effects = self.app.update(Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }));
        settle(&mut self.app, &mut self.worker, effects);
    }

    pub fn client(&self, name: &str) -> &mls_lab::engine::ClientView {
        self.app
            .view()
            .clients
            .iter()
            .find(|c| c.name == name)
            .expect("client")
    }

    pub fn select_client(&mut self, name: &str) {
        let index = self
            .app
            .view()
            .clients
            .iter()
            .position(|c| c.name == name)
            .expect("client");
        while self.app.selected_client() > index {
            self.press(KeyCode::Left);
        }
        while self.app.selected_client() < index {
            self.press(KeyCode::Right);
        }
    }

    pub fn buffer(&self, width: u16, height: u16) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| frame.render_widget(&self.app, frame.area()))
            .unwrap();
        terminal.backend().buffer().clone()
    }

    pub fn screen(&mut self, width: u16, height: u16) -> String {
        self.app.update(Msg::Resize(width, height));
        text(&self.buffer(width, height))
    }
}

pub fn text(buffer: &Buffer) -> String {
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

/// The values that differ on every run: references, keys, authenticators and
/// timestamps, as the lab holds them (every run of 8 or more hex digits in its
/// state, events and inspector).
pub fn random_values(app: &App) -> Vec<String> {
    let state = format!("{:?}{:?}{:?}", app.view(), app.events(), app.inspection());
    let mut values: Vec<String> = state
        .split(|c: char| !(c.is_ascii_digit() || ('a'..='f').contains(&c)))
        .filter(|run| run.len() >= 8)
        .map(str::to_string)
        .collect();
    values.sort();
    values.dedup();
    values
}

/// `screen` with every reference (and key, authenticator, timestamp) replaced by
/// `#`s: a run of 4 or more hex digits that starts or ends one of `values` (long
/// keys are shown as `start…end`). A run shorter than 8 is matched only against
/// values with a hex letter: a timestamp (decimal, new on every run) may end in
/// any four digits, such as the 9420 of "RFC 9420". Counts, sizes and
/// everything else stay as drawn, so a snapshot checks them.
pub fn mask(screen: &str, values: &[String]) -> String {
    let is_hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
    let has_letter = |v: &String| v.chars().any(|c| c.is_ascii_lowercase());
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let random = run.len() >= 4
            && values.iter().any(|v| {
                (run.len() >= 8 || has_letter(v))
                    && (v.starts_with(run.as_str()) || v.ends_with(run.as_str()))
            });
        if random {
            out.push_str(&"#".repeat(run.len()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in screen.chars() {
        if is_hex(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

impl Lab {
    /// The screen as a snapshot: references masked, nothing else.
    pub fn masked(&self, screen: &str) -> String {
        mask(screen, &random_values(&self.app))
    }
}

#[test]
fn masking_hides_references_and_keeps_counts() {
    let values = vec!["3fa2b7c1d4e5f60718".to_string()];
    let screen = "bob 3fa2b7c1 published  12  100 306B │3fa2│ 3fa";
    assert_eq!(
        mask(screen, &values),
        "bob ######## published  12  100 306B │####│ 3fa"
    );
    // A timestamp is masked whole, but its last digits elsewhere are text.
    let values = vec!["1765119420".to_string()];
    let screen = "at 1765119420, RFC 9420";
    assert_eq!(mask(screen, &values), "at ##########, RFC 9420");
}

/// Cells whose symbol run spells `needle` (a short reference) and all carry `style_check`.
pub fn cells_with(
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

pub fn short(full: impl std::fmt::Display) -> String {
    full.to_string().chars().take(8).collect()
}
