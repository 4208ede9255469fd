//! The accept loop: hyper's HTTP/1.1 server under the router, with what
//! `axum::serve` does not set: a header read timeout (hyper's needs a timer,
//! which `axum::serve` does not give it, so a client that sends half a header
//! would hold its connection for ever), a cap on open connections, a cap on
//! header size, and the peer's address for the registration limit and claims.
//!
//! Hyper runs the header timer whenever a connection waits for a request head,
//! so it also closes keep-alive connections left idle.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Limits per connection and on how many there are.
#[derive(Debug, Clone)]
pub struct ListenConfig {
    /// The longest a client may take to send a request's head, or stay idle
    /// between requests.
    pub header_read_timeout: Duration,
    /// Connections open at once; more are closed at accept.
    pub max_connections: usize,
    /// Bytes a connection may buffer for a request head (hyper's minimum is 8 KiB).
    pub max_header_bytes: usize,
}

impl Default for ListenConfig {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            // A room of forty laptops, each with a few labs and its cli.
            max_connections: 4096,
            max_header_bytes: 16 * 1024,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: ListenConfig,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(config.max_connections));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors or a connection reset before accept:
                // the listener itself is fine, so wait a moment and go on.
                Err(error) if is_per_connection(&error) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
                Err(error) => return Err(error),
            },
            () = &mut shutdown => return Ok(()),
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            // Full: closing at once costs less than queueing a connection.
            drop(stream);
            continue;
        };
        // Small request/answer pairs: do not wait to coalesce segments.
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.map(Body::new)
            });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(config.header_read_timeout)
            .max_buf_size(config.max_header_bytes.max(8192));
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        tokio::spawn(async move {
            // A failed connection concerns only its client.
            let _ = connection.await;
            drop(permit);
        });
    }
}

fn is_per_connection(error: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    ) || error.raw_os_error().is_some_and(|code| {
        // EMFILE, ENFILE, ENOBUFS, ENOMEM on Linux.
        matches!(code, 24 | 23 | 105 | 12)
    })
}

/// The address a bound listener serves on (for tests and the startup line).
pub fn local_address(listener: &TcpListener) -> io::Result<SocketAddr> {
    listener.local_addr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn start(config: ListenConfig) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = local_address(&listener).unwrap();
        let router = Router::new().route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(listener, router, config, async {
            let _ = stopped.await;
        }));
        (address, stop)
    }

    async fn read_all(stream: &mut TcpStream) -> String {
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[tokio::test]
    async fn a_request_is_served_with_its_peer_address() {
        let (address, _stop) = start(ListenConfig::default()).await;
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"GET /peer HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        let answer = read_all(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("127.0.0.1"), "{answer}");
    }

    #[tokio::test]
    async fn half_a_header_is_cut_off_at_the_header_timeout() {
        let config = ListenConfig {
            header_read_timeout: Duration::from_millis(200),
            ..ListenConfig::default()
        };
        let (address, _stop) = start(config).await;
        let mut slow = TcpStream::connect(address).await.unwrap();
        slow.write_all(b"GET /peer HTTP/1.1\r\nhost:")
            .await
            .unwrap();
        let closed = tokio::time::timeout(Duration::from_secs(5), read_all(&mut slow)).await;
        let answer = closed.expect("the server closed the connection");
        // hyper answers 408 before closing, or just closes.
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "{answer}"
        );
    }

    #[tokio::test]
    async fn connections_over_the_cap_are_closed_at_accept() {
        let config = ListenConfig {
            max_connections: 1,
            ..ListenConfig::default()
        };
        let (address, _stop) = start(config).await;
        let _holder = TcpStream::connect(address).await.unwrap();
        // Let the loop take the first connection's permit.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut second = TcpStream::connect(address).await.unwrap();
        let _ = second
            .write_all(b"GET /peer HTTP/1.1\r\nhost: x\r\n\r\n")
            .await;
        let answer = tokio::time::timeout(Duration::from_secs(5), read_all(&mut second))
            .await
            .expect("closed");
        assert_eq!(answer, "");
    }
}
