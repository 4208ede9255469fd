//! `mls-lab serve`: the lab's DS as a network server speaking OpenMLS's sample
//! DS contract, durable in SQLite, with what it does printed as it happens
//! (one line per event, or `--json` lines).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use super::stdio::say;
use crate::serve::lab_ds::LabDs;
use crate::serve::listen::{self, ListenConfig};
use crate::serve::routes::{self, RoomToken, ServeConfig};
use crate::serve::store::{Durability, StorePath};

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
    /// Print one JSON object per event (JSON Lines) instead of a line of text.
    #[arg(long)]
    json: bool,
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
            room_token: self.room_token.and_then(RoomToken::new),
            reset_key: self.reset_key,
            ..ServeConfig::default()
        };
        let mut events = ds.subscribe();
        let json = self.json;
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
        say(&format!("mls-lab serve: listening on http://{address}"));
        let router = routes::router(ds, config);
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

fn print_event(event: &crate::serve::lab_ds::ServerEvent, json: bool) {
    let line = if json {
        serde_json::to_string(event).unwrap_or_default()
    } else {
        event.kind.text()
    };
    let _ = super::stdio::write_lines(std::iter::once(line.as_str()));
}
