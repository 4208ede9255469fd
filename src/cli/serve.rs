//! `mls-lab serve`: the lab's DS as a network server speaking OpenMLS's sample
//! DS contract, durable in SQLite, with what it does shown as it happens: on a
//! terminal the room screen (`room`, `terminal::room`); otherwise, or with
//! `--log`, one line of text per event; with `--json`, JSON Lines.

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use super::stdio::say;
use crate::app::draw::depth::ColourDepth;
use crate::app::ThemeName;
use crate::room::{Look, Room, RoomFacts};
use crate::serve::lab_ds::LabDs;
use crate::serve::listen::{self, ListenConfig};
use crate::serve::routes::{self, RoomToken, ServeConfig};
use crate::serve::store::{Durability, StorePath};
use crate::terminal::room::RoomEnd;

/// The arguments of `mls-lab serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The SQLite file that keeps the DS's state (WAL), or `:memory:` for none.
    #[arg(long, value_name = "FILE", default_value = "mls-lab-ds.sqlite")]
    db: PathBuf,
    /// Admit only requests that carry this token (`Authorization: Bearer TOKEN`
    /// or `?room=TOKEN`).
    #[arg(long, value_name = "TOKEN")]
    room_token: Option<String>,
    /// Allow `GET /reset` with the header `reset-key: KEY` (between sessions).
    #[arg(long, value_name = "KEY")]
    reset_key: Option<String>,
    /// Print one JSON object per event (JSON Lines) instead of the room screen.
    #[arg(long, conflicts_with = "log")]
    json: bool,
    /// Print one line of text per event instead of the room screen (what
    /// `serve` prints anyway when its output is no terminal, or it runs in the
    /// background).
    #[arg(long)]
    log: bool,
}

/// How the server shows what its DS does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// The room screen, full-screen on the terminal.
    Screen,
    Text,
    Json,
}

impl ServeArgs {
    /// Serves until interrupted. Exit codes: 0 stopped, 1 the server failed,
    /// 2 it could not start.
    pub fn run(self) -> ExitCode {
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                say(&format!("mls-lab serve: cannot start the runtime: {error}"));
                return ExitCode::from(2);
            }
        };
        runtime.block_on(self.serve())
    }

    async fn serve(self) -> ExitCode {
        let path = StorePath::parse(&self.db.to_string_lossy());
        let ds = match LabDs::open(&path, Durability::ProcessCrash) {
            Ok(ds) => ds,
            Err(error) => {
                say(&format!(
                    "mls-lab serve: cannot open {}: {error}",
                    self.db.display()
                ));
                return ExitCode::from(2);
            }
        };
        let listener = match tokio::net::TcpListener::bind(self.listen).await {
            Ok(listener) => listener,
            Err(error) => {
                say(&format!(
                    "mls-lab serve: cannot listen on {}: {error}",
                    self.listen
                ));
                return ExitCode::from(2);
            }
        };
        let address = listen::local_address(&listener).unwrap_or(self.listen);
        let config = ServeConfig {
            room_token: self.room_token.clone().and_then(RoomToken::new),
            reset_key: self.reset_key,
            ..ServeConfig::default()
        };
        let output = if self.json {
            Output::Json
        } else if self.log || !owns_the_terminal() {
            Output::Text
        } else {
            Output::Screen
        };
        // Subscribed before the address is said: a client that reads it and
        // sends at once is in the events.
        let mut events = ds.subscribe();
        say(&format!("mls-lab serve: listening on http://{address}"));
        let router = routes::router(Arc::clone(&ds), config);
        if output == Output::Screen {
            let facts = RoomFacts::new(
                address,
                address.ip().is_unspecified().then(room_address).flatten(),
                self.room_token.as_deref(),
                &self.db.to_string_lossy(),
                now_ms(),
            );
            return screen(ds, events, facts, listener, router).await;
        }
        let json = output == Output::Json;
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match events.recv().await {
                    Ok(event) => print_event(&event, json),
                    Err(RecvError::Lagged(missed)) => say(&format!(
                        "mls-lab serve: {missed} events not shown (too many at once)"
                    )),
                    Err(RecvError::Closed) => break,
                }
            }
        });
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match listen::serve(listener, router, ListenConfig::default(), shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                say(&format!("mls-lab serve: {error}"));
                ExitCode::from(1)
            }
        }
    }
}

/// The room screen while the server runs; `q` stops both.
async fn screen(
    ds: Arc<LabDs>,
    events: tokio::sync::broadcast::Receiver<crate::serve::lab_ds::ServerEvent>,
    facts: RoomFacts,
    listener: tokio::net::TcpListener,
    router: axum::Router,
) -> ExitCode {
    let look = Look {
        // The projector's palette, or none under NO_COLOR.
        theme: ThemeName::choose(
            ThemeName::HighContrast,
            false,
            std::env::var_os("NO_COLOR").as_deref(),
        ),
        colours: ColourDepth::from_env(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut server = tokio::spawn(listen::serve(
        listener,
        router,
        ListenConfig::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let ended = crate::terminal::room::run(Room::new(facts, look), ds, events, &mut server).await;
    let _ = stop.send(());
    match ended {
        Ok(RoomEnd::Quit) => match server.await {
            Ok(Ok(())) => ExitCode::SUCCESS,
            Ok(Err(error)) => {
                say(&format!("mls-lab serve: {error}"));
                ExitCode::from(1)
            }
            Err(error) => {
                say(&format!("mls-lab serve: {error}"));
                ExitCode::from(1)
            }
        },
        Ok(RoomEnd::ServerFailed(error)) => {
            say(&format!("mls-lab serve: {error}"));
            ExitCode::from(1)
        }
        Err(error) => {
            say(&format!("mls-lab serve: the room screen failed: {error}"));
            ExitCode::from(1)
        }
    }
}

/// Whether stdout is a terminal this process has in the foreground: started
/// with `&`, taking the terminal over would stop it (SIGTTOU), so it prints
/// lines as it does into a pipe.
fn owns_the_terminal() -> bool {
    let stdout = std::io::stdout();
    stdout.is_terminal()
        && rustix::termios::tcgetpgrp(&stdout)
            .is_ok_and(|foreground| foreground == rustix::process::getpgrp())
}

/// This machine's address on the network it would reach others through (a
/// UDP socket's route; nothing is sent), for the URL attendees type when the
/// server listens on every interface.
fn room_address() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    // TEST-NET-1 (RFC 5737): a route is chosen, no packet leaves.
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn print_event(event: &crate::serve::lab_ds::ServerEvent, json: bool) {
    let line = if json {
        serde_json::to_string(event).unwrap_or_default()
    } else {
        event.kind.text()
    };
    let _ = super::stdio::write_lines(std::iter::once(line.as_str()));
}
