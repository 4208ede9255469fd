//! The thin terminal layer: set up and restore the terminal, and run the event loop.
//! Keys, mouse, resizes, engine reports and the clock become [`Msg`]s for
//! [`App::update`]; a frame is drawn only when something changed.

use std::io::{self, Stdout, Write};
use std::time::Instant;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event as TermEvent, EventStream};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::signal::unix::{signal, Signal, SignalKind};

use crate::app::{App, Effect, Lesson, Msg, Settings};
use crate::worker::{Request, Worker};

/// At most this many engine reports are handled between two looks at the keyboard.
const REPORTS_PER_FRAME: usize = 64;

/// What to load before the user takes over.
#[derive(Debug, Clone, Default)]
pub struct Start {
    pub clients: Vec<String>,
    /// Lines run at start (a `--scenario` preload).
    pub preload: Option<Request>,
    /// A lesson to step through with Space (`--step`).
    pub lesson: Option<Lesson>,
}

/// Puts the terminal back: cooked mode, main screen, no mouse capture, cursor shown.
/// Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = io::stdout().flush();
}

/// A panic restores the terminal before the message is printed. Installed before
/// the terminal is touched.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// The signals that end the lab. They are caught from before the terminal is
/// touched: one arriving between raw mode and the event loop would otherwise kill
/// the process with the terminal left raw and on the alternate screen.
struct Signals {
    terminate: Signal,
    hangup: Signal,
    interrupt: Signal,
}

impl Signals {
    fn catch() -> io::Result<Self> {
        Ok(Self {
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }
}

fn init() -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        cursor::Hide
    )?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Runs the TUI until the user quits or a signal arrives; the terminal is restored
/// on every way out.
pub async fn run(settings: Settings, start: Start) -> io::Result<()> {
    install_panic_hook();
    let mut worker = Worker::spawn()?;
    let mut signals = Signals::catch()?;
    let terminal = init();
    let result = match terminal {
        Ok(mut terminal) => {
            event_loop(&mut terminal, &mut worker, &mut signals, settings, start).await
        }
        Err(error) => Err(error),
    };
    restore();
    result
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    worker: &mut Worker,
    signals: &mut Signals,
    settings: Settings,
    start: Start,
) -> io::Result<()> {
    let mut app = App::new(settings, Instant::now());
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    if let Some(lesson) = start.lesson {
        app.load_lesson(lesson);
    }
    let mut effects = Vec::new();
    if !start.clients.is_empty() {
        let names = start.clients.join(" ");
        match App::run_request("start", &[&format!("clients {names}")]) {
            Ok(request) => effects.push(app.track(request)),
            Err(error) => return Err(io::Error::new(io::ErrorKind::InvalidInput, error)),
        }
    }
    if let Some(preload) = start.preload {
        effects.push(app.track(preload));
    }
    apply(&mut app, worker, effects);
    let mut events = EventStream::new();
    loop {
        if app.dirty {
            terminal.draw(|frame| frame.render_widget(&app, frame.area()))?;
            app.dirty = false;
        }
        let deadline = app.next_deadline();
        let sleep = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let effects = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => {
                    app.now = Instant::now();
                    match event {
                        TermEvent::Key(key) => app.update(Msg::Key(key)),
                        TermEvent::Mouse(mouse) => app.update(Msg::Mouse(mouse)),
                        TermEvent::Resize(w, h) => app.update(Msg::Resize(w, h)),
                        _ => Vec::new(),
                    }
                }
                // The terminal is gone: nothing more can be read or drawn.
                Some(Err(_)) | None => break,
            },
            report = worker.recv() => match report {
                Some(report) => {
                    app.now = Instant::now();
                    // Drain everything waiting, then draw once.
                    let mut effects = app.update(Msg::Report(report));
                    for report in worker.drain(REPORTS_PER_FRAME) {
                        effects.extend(app.update(Msg::Report(report)));
                    }
                    effects
                }
                None => return Err(io::Error::other("the engine thread stopped")),
            },
            _ = sleep => {
                app.update(Msg::Tick(Instant::now()));
                Vec::new()
            }
            _ = signals.interrupt.recv() => break,
            _ = signals.terminate.recv() => break,
            _ = signals.hangup.recv() => break,
        };
        apply(&mut app, worker, effects);
        if app.quit {
            break;
        }
    }
    Ok(())
}

/// Carries out what the app asked for.
fn apply(app: &mut App, worker: &Worker, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::Send(request) => {
                worker.send(request);
            }
            Effect::Cancel => worker.cancel(),
            Effect::SaveSession { contents } => {
                let result = save_session(&contents);
                app.update(Msg::Saved(result));
            }
        }
    }
}

/// Writes the session to a new file in the current directory, named after the time.
fn save_session(contents: &str) -> Result<String, String> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let path = format!("mls-lab-session-{seconds}.mls");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| format!("{path}: {e}"))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| format!("{path}: {e}"))?;
    Ok(path)
}
