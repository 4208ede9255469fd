//! The room screen's terminal loop (`mls-lab serve` on a terminal): the
//! server's events, keys, signals and a slow tick feed the [`Room`]; the DS's
//! directory is read again after events (at most a few times a second) and
//! now and then for expiry; a frame is drawn only when something changed. The
//! terminal is given back on every way out, as the lab's own loop does
//! ([`super::tui::restore`], the panic hook, [`Signals`]). Unlike the lab it
//! leaves the mouse alone, so the teacher can select the URL to copy it.

use std::io::{self, Stdout};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind};
use crossterm::terminal::{enable_raw_mode, EnterAlternateScreen};
use crossterm::{cursor, execute};
use futures_util::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};
use tokio::task::JoinHandle;

use super::signals::{self, Caught, Signals};
use super::tui::{install_panic_hook, refuse_hidden, restore};
use crate::room::Room;
use crate::serve::lab_ds::{LabDs, ServerEvent};

/// At most this many events are folded in between two frames.
const EVENTS_PER_FRAME: usize = 1024;
/// The directory is read again at most this often after events.
const REREAD_AFTER: Duration = Duration::from_millis(200);
/// ... and at least this often, for packages that expire without an event.
const REREAD_EVERY: Duration = Duration::from_secs(5);
/// A read copies the directory under the DS's lock: on a large directory
/// under load it waits this many times as long as the last read took, so the
/// screen holds the lock at most 2% of the time.
const READ_SPACING: u32 = 50;

type Screen = Terminal<CrosstermBackend<Stdout>>;

/// How the screen ended.
#[derive(Debug)]
pub enum RoomEnd {
    /// `q`, Ctrl-C or a signal to end: the caller stops the server.
    Quit,
    /// The server stopped by itself (its listener failed).
    ServerFailed(io::Error),
}

/// Runs the room screen until the teacher quits, a signal ends it or the
/// server fails; the terminal is restored on every way out.
pub async fn run(
    room: Room,
    ds: Arc<LabDs>,
    events: broadcast::Receiver<ServerEvent>,
    server: &mut JoinHandle<io::Result<()>>,
) -> io::Result<RoomEnd> {
    install_panic_hook();
    let mut signals = Signals::catch()?;
    let result = match take_over().and_then(|()| Terminal::new(CrosstermBackend::new(io::stdout())))
    {
        Ok(mut screen) => {
            let mut running = Running {
                room,
                ds,
                events,
                last_read: None,
            };
            running.event_loop(&mut screen, &mut signals, server).await
        }
        Err(error) => Err(error),
    };
    restore();
    result
}

/// Raw mode, the alternate screen, the cursor hidden (no mouse capture).
fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)
}

struct Running {
    room: Room,
    ds: Arc<LabDs>,
    events: broadcast::Receiver<ServerEvent>,
    /// When the directory was last read, and how long that took.
    last_read: Option<(Instant, Duration)>,
}

impl Running {
    async fn event_loop(
        &mut self,
        screen: &mut Screen,
        signals: &mut Signals,
        server: &mut JoinHandle<io::Result<()>>,
    ) -> io::Result<RoomEnd> {
        let mut input = EventStream::new();
        let mut tick = tokio::time::interval(REREAD_AFTER);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        self.read_directory().await;
        let mut dirty = true;
        loop {
            if dirty {
                self.draw(screen)?;
                dirty = false;
            }
            tokio::select! {
                read = input.next() => match read {
                    Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => {
                        if is_suspend_key(&key) {
                            suspend(screen)?;
                        } else {
                            self.room.key(&key);
                        }
                        dirty = true;
                    }
                    Some(Ok(TermEvent::Resize(..))) => dirty = true,
                    Some(Ok(_)) => {}
                    // The terminal is gone: nothing more can be read or drawn.
                    Some(Err(_)) | None => return Ok(RoomEnd::Quit),
                },
                received = self.events.recv() => {
                    self.take(received)?;
                    // Everything already waiting, then one frame.
                    for _ in 0..EVENTS_PER_FRAME {
                        match self.events.try_recv() {
                            Ok(event) => self.room.apply(&event),
                            Err(TryRecvError::Lagged(missed)) => self.room.missed(now_ms(), missed),
                            Err(TryRecvError::Empty | TryRecvError::Closed) => break,
                        }
                    }
                    dirty = true;
                }
                _ = tick.tick() => {
                    if self.read_due() {
                        self.read_directory().await;
                        dirty = true;
                    }
                }
                caught = signals.next() => match caught {
                    Caught::End => return Ok(RoomEnd::Quit),
                    Caught::Suspend => {
                        suspend(screen)?;
                        dirty = true;
                    }
                    Caught::Resumed => {
                        resume(screen)?;
                        dirty = true;
                    }
                },
                ended = &mut *server => {
                    let error = match ended {
                        Ok(Ok(())) => io::Error::other("the server stopped"),
                        Ok(Err(error)) => error,
                        Err(join) => io::Error::other(join.to_string()),
                    };
                    return Ok(RoomEnd::ServerFailed(error));
                }
            }
            if self.room.should_quit() {
                return Ok(RoomEnd::Quit);
            }
        }
    }

    fn take(&mut self, received: Result<ServerEvent, RecvError>) -> io::Result<()> {
        match received {
            Ok(event) => self.room.apply(&event),
            Err(RecvError::Lagged(missed)) => self.room.missed(now_ms(), missed),
            // The DS holds the sender for as long as it lives.
            Err(RecvError::Closed) => return Err(io::Error::other("the DS's events ended")),
        }
        Ok(())
    }

    /// Reads the DS's directory (after everything before it is durable).
    async fn read_directory(&mut self) {
        let started = Instant::now();
        // A store that failed refuses every request from now on, and the
        // refusals say so in the feed.
        if let Ok(snapshot) = self.ds.snapshot().await {
            self.room.refresh(&snapshot, now_ms() / 1000);
        }
        self.last_read = Some((started, started.elapsed()));
    }

    /// Whether to read the directory now: it changed, or a while has passed.
    fn read_due(&self) -> bool {
        let Some((at, took)) = self.last_read else {
            return true;
        };
        let since = at.elapsed();
        let spaced = since >= took * READ_SPACING;
        (self.room.directory_stale() && spaced) || since >= REREAD_EVERY.max(took * READ_SPACING)
    }

    fn draw(&self, screen: &mut Screen) -> io::Result<()> {
        screen.draw(|frame| {
            frame.render_widget(&self.room, frame.area());
            refuse_hidden(frame.buffer_mut());
        })?;
        Ok(())
    }
}

/// Ctrl-Z: in raw mode the terminal sends it as a key, not as SIGTSTP.
fn is_suspend_key(key: &crossterm::event::KeyEvent) -> bool {
    key.code == crossterm::event::KeyCode::Char('z')
        && key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL)
}

/// Job control: the terminal given back, stopped until continued (the server
/// stops with it), then taken over again.
fn suspend(screen: &mut Screen) -> io::Result<()> {
    restore();
    signals::stop_until_continued()?;
    resume(screen)
}

/// After a stop: the terminal again, and a full redraw at its size now.
fn resume(screen: &mut Screen) -> io::Result<()> {
    take_over()?;
    let size = screen.size()?;
    screen.resize(Rect::new(0, 0, size.width, size.height))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
