//! The thin terminal layer: set up and restore the terminal, and run the event loop.
//! Keys, mouse, resizes, engine reports and the clock become [`Msg`]s for
//! [`App::update`]; a frame is drawn only when something changed.

use std::fs::File;
use std::io::{self, BufWriter, Stdout, Write};
use std::time::Instant;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent, EventStream,
};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use super::record::{Cast, RecordError, RecordHandle, Tee};
use crate::app::{App, Effect, Lesson, Msg, Settings};
use crate::domain::{escape_controls, is_control};
use crate::engine::file::{self, WriteProblem};
use crate::engine::Randomness;

use super::signals::{self, Caught, Signals};
use crate::worker::{Request, Worker};

/// At most this many engine reports are handled between two looks at the keyboard.
const REPORTS_PER_FRAME: usize = 64;
/// At most this many terminal events already waiting are handled before a frame
/// is drawn: a paste without bracketed paste arrives as one key per character.
const INPUTS_PER_FRAME: usize = 4096;

/// What to load before the user takes over.
#[derive(Debug, Default)]
pub struct Start {
    pub clients: Vec<String>,
    /// Lines run at start (a `--scenario` preload).
    pub preload: Option<Request>,
    /// A lesson to step through with Space (`--step`).
    pub lesson: Option<Lesson>,
    /// Where the lab's keys come from (`--seed N`).
    pub randomness: Randomness,
    /// `mls-lab present`: the projector layout.
    pub presenting: bool,
    /// `--record FILE.cast`: the file, created before the terminal is touched.
    pub recording: Option<Recording>,
    /// `--ds URL`: the shared DS the clients use instead of the lab's own.
    pub shared_ds: Option<SharedDs>,
}

/// The shared DS of `--ds URL`, checked before the terminal is touched.
#[derive(Clone)]
pub struct SharedDs(pub std::sync::Arc<dyn crate::engine::ds::remote::RemoteDs>);

impl std::fmt::Debug for SharedDs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SharedDs").field(&self.0.url()).finish()
    }
}

/// The recording's file, created but not started: its header needs the
/// terminal's size.
#[derive(Debug)]
pub struct Recording {
    path: std::path::PathBuf,
    file: File,
}

impl Recording {
    /// Creates `path`; an existing file (or a directory) is never overwritten.
    pub fn create(path: &std::path::Path) -> Result<Self, RecordError> {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map(|file| Self {
                path: path.to_path_buf(),
                file,
            })
            .map_err(|source| RecordError::Create {
                path: path.to_path_buf(),
                source,
            })
    }
}

/// What the terminal backend writes to: the terminal, and the recording beside it.
type Output = Tee<Stdout, BufWriter<File>>;

/// Puts the terminal back: cooked mode, main screen, no mouse capture, cursor shown.
/// Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = io::stdout().flush();
}

/// A panic restores the terminal before the message is printed. Installed before
/// the terminal is touched. A panic the engine contains (it becomes an
/// `InternalError` and the lab goes on) leaves the terminal as it is.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !crate::engine::guard::containing() {
            restore();
        }
        previous(info);
    }));
}

/// Takes the terminal over: raw mode, the alternate screen, mouse capture,
/// bracketed paste, the cursor hidden. Again after a suspension, too.
fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )
}

fn init(tee: Output) -> io::Result<Terminal<CrosstermBackend<Output>>> {
    take_over()?;
    Terminal::new(CrosstermBackend::new(tee))
}

/// Ctrl-Z: in raw mode the terminal sends it as a key, not as SIGTSTP.
fn is_suspend_key(event: &TermEvent) -> bool {
    matches!(event, TermEvent::Key(key)
        if key.code == crossterm::event::KeyCode::Char('z')
            && key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL)
            && key.kind != crossterm::event::KeyEventKind::Release)
}

/// Job control: gives the terminal back, stops until continued (`fg`), then
/// takes the terminal over again and has everything redrawn.
fn suspend(terminal: &mut Terminal<CrosstermBackend<Output>>, app: &mut App) -> io::Result<()> {
    restore();
    signals::stop_until_continued()?;
    resume(terminal, app)
}

/// After a stop: raw mode and the alternate screen again, and a full redraw at
/// the terminal's size now (it may have changed meanwhile).
fn resume(terminal: &mut Terminal<CrosstermBackend<Output>>, app: &mut App) -> io::Result<()> {
    take_over()?;
    // A resize clears the whole screen and forgets the last frame, so the next
    // is drawn in full (`clear` would ask the terminal for the cursor, whose
    // answer the event reader takes).
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
    app.update(Msg::Resize(size.width, size.height));
    draw(terminal, app)?;
    app.mark_drawn();
    Ok(())
}

/// Draws a frame of the app. Every text from input is escaped where the panels
/// build it; as a second line of defence, no cell may still hold a character a
/// terminal would obey or hide ([`is_control`]): such a cell is drawn as `�`.
fn draw(terminal: &mut Terminal<CrosstermBackend<Output>>, app: &App) -> io::Result<()> {
    terminal.draw(|frame| {
        frame.render_widget(app, frame.area());
        refuse_hidden(frame.buffer_mut());
    })?;
    Ok(())
}

/// Replaces every cell whose symbol holds a character [`is_control`] names.
pub fn refuse_hidden(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().chars().any(is_control) {
            cell.set_symbol("\u{fffd}");
        }
    }
}

/// Starts the recording at the terminal's size; a header that cannot be
/// written is an error the lab reports, not a reason to stop.
fn start_recording(
    recording: Option<Recording>,
) -> (Option<Cast<BufWriter<File>>>, Option<RecordError>) {
    let Some(Recording { path, file }) = recording else {
        return (None, None);
    };
    let (width, height) = crossterm::terminal::size().unwrap_or((0, 0));
    match Cast::start(BufWriter::new(file), &path, width, height) {
        Ok(cast) => (Some(cast), None),
        Err(error) => (None, Some(error)),
    }
}

/// Runs the TUI until the user quits or a signal arrives; the terminal is restored
/// on every way out. `Ok(Some(..))`: the session ended well but its recording
/// stopped early, for this reason.
pub async fn run(settings: Settings, mut start: Start) -> io::Result<Option<RecordError>> {
    install_panic_hook();
    // A lesson steps back by replaying into a fresh engine: seeded, so that the
    // same references come back (a seed of this run's own unless --seed gave one).
    if start.lesson.is_some() && start.randomness == Randomness::System {
        start.randomness = Randomness::Seeded(run_seed());
    }
    let shared_ds = start.shared_ds.clone().map(|shared| shared.0);
    let mut worker = Worker::spawn_on(start.randomness, shared_ds)?;
    let mut signals = Signals::catch()?;
    let (cast, mut stopped) = start_recording(start.recording.take());
    let (tee, recorder) = Tee::new(io::stdout(), cast);
    let terminal = init(tee);
    let result = match terminal {
        Ok(mut terminal) => {
            let result = event_loop(
                &mut terminal,
                &recorder,
                &mut worker,
                &mut signals,
                settings,
                start,
            )
            .await;
            // The last frame goes into the recording; a failure there is reported.
            let finished = recorder.finish();
            result.map(|in_loop| stopped.take().or(in_loop).or(finished))
        }
        Err(error) => Err(error),
    };
    restore();
    result
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Output>>,
    recorder: &RecordHandle<BufWriter<File>>,
    worker: &mut Worker,
    signals: &mut Signals,
    settings: Settings,
    start: Start,
) -> io::Result<Option<RecordError>> {
    let mut app = App::new(settings, Instant::now());
    app.set_randomness(start.randomness);
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    if let Some(lesson) = start.lesson {
        app.load_lesson(lesson);
    }
    if start.presenting {
        app.present();
    }
    let mut effects = Vec::new();
    if !start.clients.is_empty() {
        let names = start.clients.join(" ");
        match App::run_request("start", &[&format!("clients {names}")]) {
            Ok(request) => effects.push(app.track(request)),
            Err(bad) => return Err(io::Error::new(io::ErrorKind::InvalidInput, bad.to_string())),
        }
    }
    if let Some(preload) = start.preload {
        effects.push(app.track(preload));
    }
    apply(&mut app, worker, effects)?;
    let mut events = EventStream::new().ready_chunks(INPUTS_PER_FRAME);
    let mut stopped_recording: Option<RecordError> = None;
    loop {
        if app.is_dirty() {
            draw(terminal, &app)?;
            app.mark_drawn();
            // A recording that stopped is said at once, and the session goes on.
            if let Some(error) = recorder.take_error() {
                app.update(Msg::RecordingStopped(error.to_string()));
                stopped_recording = Some(error);
            }
        }
        let deadline = app.next_deadline();
        let sleep = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let effects = tokio::select! {
            // Everything already waiting comes as one chunk and is handled before
            // the next frame: a paste without bracketed paste is one key per character.
            chunk = events.next() => {
                app.set_now(Instant::now());
                let mut effects = Vec::new();
                let mut gone = chunk.is_none();
                for event in chunk.unwrap_or_default() {
                    if let Ok(TermEvent::Resize(width, height)) = &event {
                        recorder.resize(*width, *height);
                    }
                    match event {
                        Ok(event) if is_suspend_key(&event) => {
                            apply(&mut app, worker, std::mem::take(&mut effects))?;
                            suspend(terminal, &mut app)?;
                        }
                        Ok(event) => effects.extend(on_terminal(&mut app, event)),
                        // The terminal is gone: nothing more can be read or drawn.
                        Err(_) => gone = true,
                    }
                }
                if gone {
                    break;
                }
                effects
            }
            report = worker.recv() => match report {
                Some(report) => {
                    app.set_now(Instant::now());
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
            caught = signals.next() => match caught {
                Caught::End => break,
                Caught::Suspend => {
                    suspend(terminal, &mut app)?;
                    Vec::new()
                }
                Caught::Resumed => {
                    resume(terminal, &mut app)?;
                    Vec::new()
                }
            },
        };
        apply(&mut app, worker, effects)?;
        if app.should_quit() {
            break;
        }
    }
    // The engine cannot go on: the lab ends, the terminal restored, and says why.
    if let Some(why) = app.engine_stopped() {
        return Err(io::Error::other(format!("{why}; the lab cannot go on")));
    }
    Ok(stopped_recording)
}

/// One terminal event as a message.
fn on_terminal(app: &mut App, event: TermEvent) -> Vec<Effect> {
    match event {
        TermEvent::Key(key) => app.update(Msg::Key(key)),
        TermEvent::Mouse(mouse) => app.update(Msg::Mouse(mouse)),
        TermEvent::Resize(w, h) => app.update(Msg::Resize(w, h)),
        TermEvent::Paste(text) => app.update(Msg::Paste(text)),
        // Focus changes mean nothing to the lab.
        TermEvent::FocusGained | TermEvent::FocusLost => Vec::new(),
    }
}

/// A seed that differs from run to run (a lesson's references are new each time,
/// as without a seed, but the same within the run).
fn run_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// Carries out what the app asked for.
fn apply(app: &mut App, worker: &mut Worker, effects: Vec<Effect>) -> io::Result<()> {
    for effect in effects {
        match effect {
            // The old engine thread ends when its channel is dropped.
            Effect::ResetLab { randomness } => *worker = worker.respawn(randomness)?,
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
    Ok(())
}

/// Writes the session to a new file in the current directory, named after the time.
fn save_session(contents: &str) -> Result<String, String> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    save_session_in(std::path::Path::new("."), seconds, contents)
}

/// Writes `contents` to a file in `dir` that did not exist: `mls-lab-session-T.mls`,
/// else `...-T-2.mls`, `...-T-3.mls`: two saves in one second never collide, and
/// an existing file is never overwritten ([`file::write_new`]: through a
/// temporary file of its own, so a failed save leaves nothing).
fn save_session_in(dir: &std::path::Path, seconds: u64, contents: &str) -> Result<String, String> {
    for n in 1..=1000u32 {
        let name = match n {
            1 => format!("mls-lab-session-{seconds}.mls"),
            n => format!("mls-lab-session-{seconds}-{n}.mls"),
        };
        let path = dir.join(&name);
        let shown = if dir == std::path::Path::new(".") {
            name
        } else {
            path.display().to_string()
        };
        match file::write_new(&path, contents.as_bytes()) {
            Ok(()) => return Ok(shown),
            Err(WriteProblem::Exists) => continue,
            Err(problem) => return Err(format!("{}: {problem}", escape_controls(&shown))),
        }
    }
    Err(format!(
        "mls-lab-session-{seconds}-*.mls: a thousand files of that second exist already"
    ))
}

#[cfg(test)]
mod tests {
    use super::{refuse_hidden, save_session_in};

    #[test]
    fn no_cell_reaches_the_terminal_with_a_hidden_character() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 1));
        // As a widget could set them, past ratatui's own filtering.
        for (x, symbol) in [
            "a",
            "b\u{202e}",
            "\u{200b}",
            "c\u{200d}",
            "\u{1b}",
            "\u{e0041}",
        ]
        .iter()
        .enumerate()
        {
            buffer[(x as u16, 0)].set_symbol(symbol);
        }
        refuse_hidden(&mut buffer);
        let symbols: Vec<&str> = buffer.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(
            symbols,
            ["a", "\u{fffd}", "\u{fffd}", "\u{fffd}", "\u{fffd}", "\u{fffd}"]
        );
    }

    #[test]
    fn two_saves_in_one_second_never_collide() -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let first = save_session_in(dir.path(), 1_700_000_000, "one")?;
        let second = save_session_in(dir.path(), 1_700_000_000, "two")?;
        assert_ne!(first, second);
        assert!(second.ends_with("mls-lab-session-1700000000-2.mls"));
        let read = |p: &str| std::fs::read_to_string(p).map_err(|e| e.to_string());
        assert_eq!(read(&first)?, "one");
        assert_eq!(read(&second)?, "two");
        let files = std::fs::read_dir(dir.path()).map_err(|e| e.to_string())?;
        assert_eq!(files.count(), 2, "no temporary file stays");
        Ok(())
    }
}
