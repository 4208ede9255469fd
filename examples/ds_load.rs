//! A room's load on `mls-lab serve`: N concurrent clients publish key packages
//! (each validated by the server: RFC 9420 §10.1, the checklist and the DS's
//! policy) and then consume each other's, over HTTP/1.1 with keep-alive (hyper's
//! client), as OpenMLS's cli does. Prints throughput and p50/p99 latency per
//! level as Markdown rows for docs/benchmarks.md.
//!
//! ```sh
//! cargo run --release --example ds_load                       # its own server, a temporary SQLite file
//! cargo run --release --example ds_load -- --url http://HOST:8080 --clients 50,200
//! cargo run --release --example ds_load -- --compare http://127.0.0.1:8081   # OpenMLS's sample DS too
//! cargo run --release --example ds_load -- --think-ms 100                   # a room, not a flood
//! ```
//!
//! `--compare URL` runs every level against a second server right after the
//! lab's (OpenMLS's sample DS, which validates nothing), in the same run.
//! `--think-ms N` has each client wait about N ms between its requests (drawn
//! between N/2 and 3N/2, so the clients do not move in step), as people in a
//! room do: without it every client has a request outstanding at all times,
//! so the latency is the queue (Little's law: N clients / throughput).
//!
//! Key packages are made before the clock starts (signing is the client's work,
//! not the server's). With its own server, the per-address registration limit is
//! lifted, since every simulated client comes from 127.0.0.1.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode};
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;

use mls_lab::domain::ClientId;
use mls_lab::serve::lab_ds::LabDs;
use mls_lab::serve::listen::{self, ListenConfig};
use mls_lab::serve::routes::{self, RegistrationQuota, ServeConfig};
use mls_lab::serve::store::{Durability, StorePath};
use mls_lab::serve::wire::{
    decode, encode, ClientKeyPackages, KeyPackageEntry, PublishKeyPackagesRequest,
    RegisterClientRequest, RegisterClientSuccessResponse,
};

const SUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

#[derive(Parser)]
struct Args {
    /// A running server; without it, one is started here on a temporary file.
    #[arg(long)]
    url: Option<String>,
    /// The concurrency levels, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "50,200,1000")]
    clients: Vec<usize>,
    /// Publishes (and as many consumes) per level.
    #[arg(long, default_value_t = 6000)]
    requests: usize,
    /// A second server to measure under the same load, after each level.
    #[arg(long)]
    compare: Option<String>,
    /// What each client waits between two of its requests, in milliseconds.
    #[arg(long, default_value_t = 0)]
    think_ms: u64,
}

type Http = Client<HttpConnector, Full<Bytes>>;

async fn call(
    http: &Http,
    base: &str,
    method: Method,
    path: &str,
    body: Vec<u8>,
) -> Result<(StatusCode, Bytes), String> {
    let request = Request::builder()
        .method(method)
        .uri(format!("{base}{path}"))
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = http.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}

/// One simulated client: its name and the key packages it will publish.
struct Member {
    path: String,
    entries: Vec<KeyPackageEntry>,
}

fn member(name: &str, packages: usize) -> Member {
    let provider = OpenMlsRustCrypto::default();
    let signer = SignatureKeyPair::new(SUITE.signature_algorithm()).expect("a key pair");
    let credential = CredentialWithKey {
        credential: BasicCredential::new(name.as_bytes().to_vec()).into(),
        signature_key: signer.to_public_vec().into(),
    };
    let entries = (0..packages)
        .map(|_| {
            let bundle = KeyPackage::builder()
                .build(SUITE, &provider, &signer, credential.clone())
                .expect("a key package");
            let key_package = bundle.key_package();
            let hash = key_package
                .hash_ref(provider.crypto())
                .expect("a reference");
            KeyPackageEntry::new(hash.as_slice().to_vec(), key_package.clone().into())
        })
        .collect();
    let path = ClientId::from_name(name).expect("a name").to_path();
    Member { path, entries }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

fn row(
    server: &str,
    clients: usize,
    what: &str,
    mut latencies: Vec<Duration>,
    elapsed: Duration,
    failed: usize,
) {
    latencies.sort();
    let done = latencies.len();
    println!(
        "| {server} | {clients} | {what} | {done} | {failed} | {:.0} | {:.2} | {:.2} |",
        done as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
    );
}

/// Runs `work` for every client at once; every latency, the wall time, the failures.
async fn measure<F, Fut>(count: usize, work: F) -> (Vec<Duration>, Duration, usize)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = (Vec<Duration>, usize)> + Send + 'static,
{
    let started = Instant::now();
    let tasks: Vec<_> = (0..count).map(|i| tokio::spawn(work(i))).collect();
    let (mut latencies, mut failed) = (Vec::new(), 0);
    for task in tasks {
        let (mine, bad) = task.await.expect("a client task");
        latencies.extend(mine);
        failed += bad;
    }
    (latencies, started.elapsed(), failed)
}

/// A client's pauses: `think` scaled by a factor in [0.5, 1.5) from a small
/// generator of its own (xorshift), so that the clients drift apart.
struct Pause(u64);

impl Pause {
    fn next(&mut self, think: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let unit = (self.0 >> 11) as f64 / (1u64 << 53) as f64;
        think.mul_f64(0.5 + unit)
    }
}

/// One level's load on one server.
struct Level<'a> {
    server: &'a str,
    run: usize,
    clients: usize,
    requests: usize,
    think: Duration,
}

async fn level(http: &Http, base: &str, level: Level<'_>) {
    let Level {
        server,
        run,
        clients,
        requests,
        think,
    } = level;
    let per_client = requests.div_ceil(clients);
    // Each client registers with one package, publishes `per_client` more, and
    // its neighbour consumes `per_client` of them.
    let members: Vec<Member> = (0..clients)
        .map(|i| member(&format!("load{run}-{clients}-{i}"), per_client + 1))
        .collect();
    let paths: Arc<Vec<String>> = Arc::new(members.iter().map(|m| m.path.clone()).collect());
    let mut publishes: Vec<Vec<Vec<u8>>> = Vec::new();
    for mut member in members.into_iter() {
        let first = member.entries.remove(0);
        let body = encode(&RegisterClientRequest {
            key_packages: ClientKeyPackages::new(vec![first]),
        })
        .expect("a registration");
        let (status, answer) = call(http, base, Method::POST, "/clients/register", body)
            .await
            .expect("the server answers");
        assert_eq!(status, StatusCode::OK, "{answer:?}");
        let token = decode::<RegisterClientSuccessResponse>(&answer)
            .expect("a token")
            .auth_token;
        let bodies: Vec<Vec<u8>> = member
            .entries
            .into_iter()
            .map(|entry| {
                encode(&PublishKeyPackagesRequest {
                    key_packages: ClientKeyPackages::new(vec![entry]),
                    auth_token: token.clone(),
                })
                .expect("a publish")
            })
            .collect();
        publishes.push(bodies);
    }
    let publishes = Arc::new(publishes);
    let (http, base) = (http.clone(), Arc::new(base.to_string()));

    let (latencies, elapsed, failed) = measure(clients, |i| {
        let (http, base, paths, publishes) =
            (http.clone(), base.clone(), paths.clone(), publishes.clone());
        async move {
            let (mut latencies, mut failed) = (Vec::new(), 0);
            let mut pause = Pause(i as u64 + 1);
            let path = format!("/clients/key_packages/{}", paths[i]);
            for body in &publishes[i] {
                if !think.is_zero() {
                    tokio::time::sleep(pause.next(think)).await;
                }
                let started = Instant::now();
                match call(&http, &base, Method::POST, &path, body.clone()).await {
                    Ok((StatusCode::OK, _)) => latencies.push(started.elapsed()),
                    _ => failed += 1,
                }
            }
            (latencies, failed)
        }
    })
    .await;
    row(server, clients, "publish", latencies, elapsed, failed);

    let (latencies, elapsed, failed) = measure(clients, |i| {
        let (http, base, paths) = (http.clone(), base.clone(), paths.clone());
        async move {
            let (mut latencies, mut failed) = (Vec::new(), 0);
            let mut pause = Pause(i as u64 + 7919);
            let path = format!("/clients/key_package/{}", paths[(i + 1) % paths.len()]);
            for _ in 0..per_client {
                if !think.is_zero() {
                    tokio::time::sleep(pause.next(think)).await;
                }
                let started = Instant::now();
                match call(&http, &base, Method::GET, &path, Vec::new()).await {
                    Ok((StatusCode::OK, _)) => latencies.push(started.elapsed()),
                    _ => failed += 1,
                }
            }
            (latencies, failed)
        }
    })
    .await;
    row(server, clients, "consume", latencies, elapsed, failed);
}

/// A server of our own on a free port, on its own runtime and threads.
fn own_server(db: &std::path::Path) -> String {
    let ds = LabDs::open(
        &StorePath::parse(&db.to_string_lossy()),
        Durability::ProcessCrash,
    )
    .expect("the store opens");
    let config = ServeConfig {
        registrations: RegistrationQuota {
            per_minute: NonZeroU32::MAX,
            burst: NonZeroU32::MAX,
        },
        ..ServeConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let router = routes::router(ds, config);
            let never = std::future::pending::<()>();
            listen::serve(listener, router, ListenConfig::default(), never)
                .await
                .expect("the server runs");
        });
    });
    format!("http://{address}")
}

fn main() {
    let args = Args::parse();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let base = match &args.url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => own_server(&dir.path().join("load.sqlite")),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let http: Http = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(usize::MAX)
            .build_http();
        println!(
            "| server | clients | operation | requests | failed | per second | p50 ms | p99 ms |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        let run = std::process::id() as usize;
        let think = Duration::from_millis(args.think_ms);
        let mut servers = vec![("lab (validates)", base.as_str())];
        if let Some(other) = &args.compare {
            servers.push(("compared", other.trim_end_matches('/')));
        }
        for &clients in &args.clients {
            for &(server, base) in &servers {
                let level_of = Level {
                    server,
                    run,
                    clients,
                    requests: args.requests,
                    think,
                };
                level(&http, base, level_of).await;
            }
        }
    });
}
