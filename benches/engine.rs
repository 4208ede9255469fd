//! Engine overhead: each engine operation against the same raw OpenMLS calls.
//!
//! Every operation is one criterion group with three benchmarks:
//!
//! - `OP/raw`: the OpenMLS calls alone (below);
//! - `OP/engine`: `Engine::execute` of the command on a current-thread runtime, as
//!   `mls-lab` runs it: the DS task runs on the engine's own thread;
//! - `OP/engine_multi_thread`: the same on `Runtime::new()` (multi-threaded), driven
//!   with `block_on`, so the DS task is on a worker thread. The gap between the two
//!   is the cost of reaching the DS task across threads.
//!
//! | op       | engine (timed)          | raw (timed)                                                    |
//! |----------|-------------------------|----------------------------------------------------------------|
//! | generate | `bob generate`          | `KeyPackage::builder().build` + `hash_ref` + encoded length    |
//! | publish  | `bob publish @last`     | serialize + `KeyPackageIn` deserialize + `validate` + `hash_ref` (the DS's work) |
//! | claim    | `alice claim bob`       | deserialize + `validate` + `hash_ref` of the encoding the DS hands out |
//! | add      | `alice add bob --to gN` | deserialize + `validate` + `hash_ref`, `add_members`, `merge_pending_commit` |
//! | join     | `bob join`              | `StagedWelcome::new_from_welcome` + `into_group` on a decoded Welcome |
//!
//! `ds_round_trip/*` is not an operation: one DS request with no work behind it.
//!
//! `accept/*` is the one step inside publish and claim where the lab does more
//! than OpenMLS: `accept/lab` is `wire::accept_key_package_judged` (the bounded
//! reader, the checklist, then OpenMLS's decode, `validate` and `hash_ref`) and
//! `accept/raw` the three OpenMLS calls alone, on the same encoded package.
//!
//! Commands are parsed outside the timed region. Setup (generating and publishing
//! packages, creating groups, producing Welcomes) is not timed: each benchmark uses
//! `iter_custom` and times only the operation, with `Instant` around it. Both sides
//! start from fresh state every [`BATCH`] iterations (a new engine with a new DS
//! task, or new raw providers), so inventories, event logs and storages stay small
//! and the same size whatever iteration count criterion picks.
//!
//! Both sides use ciphersuite 1 (X25519, AES-128-GCM, SHA-256, Ed25519), the
//! `OpenMlsRustCrypto` provider, basic credentials named `alice`/`bob` and groups
//! named `gN` with the ratchet tree in the Welcome, so they do the same crypto.
//!
//! Run: `cargo bench --bench engine`. Results: `docs/benchmarks.md`.

use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use mls_lab::command::Execute as _;
use mls_lab::command::{parse_line, Command};
use mls_lab::engine::Engine;
use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::{OpenMlsRustCrypto, RustCrypto};
use openmls_traits::storage::StorageProvider as _;
use tls_codec::{Deserialize as _, Serialize as _};
use tokio::runtime::Runtime;

/// Ciphersuite 1, the engine's default.
const SUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// Iterations between fresh states (new engine / new raw providers).
const BATCH: u64 = 32;

/// Parses one command line (never inside a timed region).
fn cmd(line: &str) -> Command {
    parse_line(line)
        .expect("the benchmark's commands parse")
        .expect("a command, not a comment")
}

/// A fresh lab with alice and bob registered at a fresh DS.
async fn lab() -> Engine {
    let mut engine = Engine::new();
    engine
        .execute(&cmd("clients alice bob"))
        .await
        .expect("clients");
    engine
}

async fn run(engine: &mut Engine, command: &Command) {
    engine.execute(command).await.expect("engine command");
}

/// Runs `iters` engine iterations and returns the time spent in `op` only.
/// A fresh lab is made every [`BATCH`] iterations; `batch` runs on it with the
/// number of iterations it will serve, `setup` before each iteration with the
/// iteration's index. Neither is timed.
async fn engine_loop<T>(
    iters: u64,
    mut batch: impl AsyncFnMut(&mut Engine, u64),
    mut setup: impl AsyncFnMut(&mut Engine, u64) -> T,
    mut op: impl AsyncFnMut(&mut Engine, T),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut i = 0;
    while i < iters {
        let n = BATCH.min(iters - i);
        let mut engine = lab().await;
        batch(&mut engine, n).await;
        for _ in 0..n {
            let input = setup(&mut engine, i).await;
            let started = Instant::now();
            op(&mut engine, input).await;
            total += started.elapsed();
            i += 1;
        }
    }
    total
}

/// The raw counterpart of [`engine_loop`]: `batch` makes fresh state (clients,
/// storage) for up to [`BATCH`] iterations; only `op` is timed.
fn raw_loop<S, T>(
    iters: u64,
    mut batch: impl FnMut(u64) -> S,
    mut setup: impl FnMut(&mut S, u64) -> T,
    mut op: impl FnMut(&mut S, T),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut i = 0;
    while i < iters {
        let n = BATCH.min(iters - i);
        let mut state = batch(n);
        for _ in 0..n {
            let input = setup(&mut state, i);
            let started = Instant::now();
            op(&mut state, input);
            total += started.elapsed();
            i += 1;
        }
        // State (kept packages, groups, storage) is dropped here, untimed.
    }
    total
}

/// A raw OpenMLS client: its own provider (storage) and Ed25519 signer, as each
/// engine client has.
struct RawClient {
    name: &'static str,
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
}

impl RawClient {
    fn new(name: &'static str) -> Self {
        let provider = OpenMlsRustCrypto::default();
        let signer = SignatureKeyPair::new(SUITE.signature_algorithm()).expect("signer");
        signer.store(provider.storage()).expect("store signer");
        Self {
            name,
            provider,
            signer,
        }
    }

    fn credential(&self) -> CredentialWithKey {
        CredentialWithKey {
            credential: BasicCredential::new(self.name.as_bytes().to_vec()).into(),
            signature_key: self.signer.public().into(),
        }
    }

    /// What the engine does per generated package: build (which stores the
    /// private bundle), reference, encoded length.
    fn generate(&self) -> (KeyPackage, KeyPackageRef, usize) {
        let key_package = KeyPackage::builder()
            .build(SUITE, &self.provider, &self.signer, self.credential())
            .expect("KeyPackage::build")
            .into_key_package();
        let kp_ref = key_package
            .hash_ref(self.provider.crypto())
            .expect("hash_ref");
        let len = key_package.tls_serialized_len();
        (key_package, kp_ref, len)
    }

    /// A group like the engine's `create-group`: id = name, ratchet tree in Welcomes.
    fn create_group(&self, name: &str) -> MlsGroup {
        MlsGroup::builder()
            .ciphersuite(SUITE)
            .use_ratchet_tree_extension(true)
            .with_group_id(GroupId::from_slice(name.as_bytes()))
            .build(&self.provider, &self.signer, self.credential())
            .expect("MlsGroup::build")
    }
}

/// Deserialize + validate (RFC 9420 §10.1) + reference: what a receiver of a key
/// package does.
fn accept(crypto: &RustCrypto, bytes: &[u8]) -> (KeyPackage, KeyPackageRef) {
    let key_package = KeyPackageIn::tls_deserialize_exact(bytes)
        .expect("deserialize")
        .validate(crypto, ProtocolVersion::Mls10)
        .expect("validate");
    let kp_ref = key_package.hash_ref(crypto).expect("hash_ref");
    (key_package, kp_ref)
}

fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .build()
}

/// The two runtimes the engine is measured on.
struct Runtimes {
    /// `Runtime::new()`: multi-threaded (with `block_on` from the main thread, so
    /// the DS task is on a worker thread).
    multi: Runtime,
    /// A current-thread runtime, as `mls-lab` runs the engine: the DS task runs on
    /// the engine's own thread.
    current: Runtime,
}

/// Registers an engine benchmark as `engine` (current-thread runtime, as the app
/// runs it) and `engine_multi_thread`.
fn bench_engine<F, Fut>(group: &mut BenchmarkGroup<'_, WallTime>, rts: &Runtimes, f: F)
where
    F: Fn(u64) -> Fut + Copy,
    Fut: Future<Output = Duration>,
{
    group.bench_function("engine", |b| b.to_async(&rts.current).iter_custom(f));
    group.bench_function("engine_multi_thread", |b| {
        b.to_async(&rts.multi).iter_custom(f)
    });
}

/// One group per operation: `raw`, `engine` and `engine_multi_thread`.
fn compare<F, Fut>(
    c: &mut Criterion,
    rts: &Runtimes,
    name: &str,
    raw: fn(u64) -> Duration,
    engine: F,
) where
    F: Fn(u64) -> Fut + Copy,
    Fut: Future<Output = Duration>,
{
    let mut group = c.benchmark_group(name);
    group.bench_function("raw", |b| b.iter_custom(raw));
    bench_engine(&mut group, rts, engine);
    group.finish();
}

// ---- generate ----

async fn generate_engine(iters: u64) -> Duration {
    let generate = cmd("bob generate");
    engine_loop(
        iters,
        async |_, _| {},
        async |_, _| {},
        async |engine, ()| run(engine, &generate).await,
    )
    .await
}

fn generate_raw(iters: u64) -> Duration {
    raw_loop(
        iters,
        // Packages are kept, as the engine keeps them in its inventory.
        |n| (RawClient::new("bob"), Vec::with_capacity(n as usize)),
        |_, _| (),
        |(bob, kept), ()| kept.push(black_box(bob.generate())),
    )
}

// ---- publish ----

async fn publish_engine(iters: u64) -> Duration {
    let generate = cmd("bob generate");
    let publish = cmd("bob publish @last");
    engine_loop(
        iters,
        async |_, _| {},
        async |engine, _| run(engine, &generate).await,
        async |engine, ()| run(engine, &publish).await,
    )
    .await
}

fn publish_raw(iters: u64) -> Duration {
    raw_loop(
        iters,
        |n| {
            let kept = Vec::with_capacity(n as usize);
            (RawClient::new("bob"), RustCrypto::default(), kept)
        },
        |(bob, _, _), _| bob.generate().0,
        // The client encodes; the DS decodes, validates and computes the reference.
        |(_, ds, kept), key_package| {
            let bytes = key_package.tls_serialize_detached().expect("serialize");
            kept.push(black_box(accept(ds, &bytes)));
        },
    )
}

// ---- claim ----

async fn claim_engine(iters: u64) -> Duration {
    let publish = cmd("bob publish --all");
    let claim = cmd("alice claim bob");
    engine_loop(
        iters,
        // One published package per claim in the batch.
        async |engine, n| {
            run(engine, &cmd(&format!("bob generate {n}"))).await;
            run(engine, &publish).await;
        },
        async |_, _| {},
        async |engine, ()| run(engine, &claim).await,
    )
    .await
}

fn claim_raw(iters: u64) -> Duration {
    raw_loop(
        iters,
        |n| {
            let bob = RawClient::new("bob");
            // The DS hands out the canonical KeyPackage encoding.
            let published: Vec<Vec<u8>> = (0..n)
                .map(|_| {
                    bob.generate()
                        .0
                        .tls_serialize_detached()
                        .expect("serialize")
                })
                .collect();
            let kept = Vec::with_capacity(n as usize);
            (RawClient::new("alice"), published.into_iter(), kept)
        },
        |(_, published, _), _| published.next().expect("a published package"),
        // The claimer validates what it got (RFC 9420 §10.1).
        |(alice, _, kept), bytes| {
            kept.push(black_box(accept(alice.provider.crypto(), &bytes)));
        },
    )
}

// ---- add ----

async fn add_engine(iters: u64) -> Duration {
    let generate = cmd("bob generate");
    let publish = cmd("bob publish @last");
    engine_loop(
        iters,
        async |_, _| {},
        // A fresh group and one published package of bob's per add.
        async |engine, i| {
            run(engine, &cmd(&format!("alice create-group g{i}"))).await;
            run(engine, &generate).await;
            run(engine, &publish).await;
            cmd(&format!("alice add bob --to g{i}"))
        },
        async |engine, add| run(engine, &add).await,
    )
    .await
}

fn add_raw(iters: u64) -> Duration {
    raw_loop(
        iters,
        |n| {
            let groups = Vec::with_capacity(n as usize);
            (RawClient::new("alice"), RawClient::new("bob"), groups)
        },
        |(alice, bob, _), i| {
            let group = alice.create_group(&format!("g{i}"));
            let bytes = bob.generate().0.tls_serialize_detached();
            (group, bytes.expect("serialize"))
        },
        |(alice, _, groups), (mut group, bytes)| {
            // The engine validates the claimed package before adding it.
            let (key_package, _) = accept(alice.provider.crypto(), &bytes);
            let out = group
                .add_members(&alice.provider, &alice.signer, &[key_package])
                .expect("add_members");
            group
                .merge_pending_commit(&alice.provider)
                .expect("merge_pending_commit");
            black_box(out);
            groups.push(group);
        },
    )
}

// ---- join ----

async fn join_engine(iters: u64) -> Duration {
    let generate = cmd("bob generate");
    let publish = cmd("bob publish @last");
    let join = cmd("bob join");
    engine_loop(
        iters,
        async |_, _| {},
        // A fresh group adds bob: his Welcome waits at the DS.
        async |engine, i| {
            run(engine, &cmd(&format!("alice create-group g{i}"))).await;
            run(engine, &generate).await;
            run(engine, &publish).await;
            run(engine, &cmd(&format!("alice add bob --to g{i}"))).await;
        },
        async |engine, ()| run(engine, &join).await,
    )
    .await
}

fn join_raw(iters: u64) -> Duration {
    let config = join_config();
    raw_loop(
        iters,
        |n| {
            let groups = Vec::with_capacity(2 * n as usize);
            (RawClient::new("alice"), RawClient::new("bob"), groups)
        },
        |(alice, bob, groups), i| {
            let mut group = alice.create_group(&format!("g{i}"));
            let (key_package, _, _) = bob.generate();
            let (_, welcome, _) = group
                .add_members(&alice.provider, &alice.signer, &[key_package])
                .expect("add_members");
            group
                .merge_pending_commit(&alice.provider)
                .expect("merge_pending_commit");
            groups.push(group);
            let bytes = welcome.to_bytes().expect("encode Welcome");
            match MlsMessageIn::tls_deserialize_exact(&bytes)
                .expect("decode Welcome")
                .extract()
            {
                MlsMessageBodyIn::Welcome(welcome) => welcome,
                _ => unreachable!("add_members returns a Welcome"),
            }
        },
        |(_, bob, groups), welcome| {
            let joined = StagedWelcome::new_from_welcome(&bob.provider, &config, welcome, None)
                .and_then(|staged| staged.into_group(&bob.provider))
                .expect("join");
            groups.push(joined);
        },
    )
}

// ---- DS round trip ----

/// Not an operation: one DS request and reply with no work behind it (reading an
/// empty mailbox), to show what a channel round trip to the DS task costs. Engine
/// operations make one (publish, claim, join) or three (add) DS requests.
async fn ds_round_trip_engine(iters: u64) -> Duration {
    engine_loop(
        iters,
        async |_, _| {},
        async |_, _| {},
        async |engine, ()| {
            black_box(engine.ds().peek("alice").await.expect("peek"));
        },
    )
    .await
}

/// Key packages in storage for [`expect_key_packages`].
const STORED: usize = 10_000;

/// `expect bob key-packages 10000` (the count is read from bob's storage) against
/// what OpenMLS's storage API offers for the same count: one
/// `StorageProvider::key_package` read per reference. Both storages hold 10,000
/// bundles and a signature key; the lab's is set up once, untimed.
fn expect_key_packages(c: &mut Criterion, rts: &Runtimes) {
    let mut group = c.benchmark_group("expect_key_packages_10000");
    group.sample_size(10);
    let bob = RawClient::new("bob");
    let refs: Vec<KeyPackageRef> = (0..STORED).map(|_| bob.generate().1).collect();
    group.bench_function("raw_read_each", |b| {
        b.iter(|| {
            let stored = refs
                .iter()
                .filter(|&kp_ref| {
                    let bundle: Option<KeyPackageBundle> =
                        bob.provider.storage().key_package(kp_ref).expect("read");
                    bundle.is_some()
                })
                .count();
            assert_eq!(black_box(stored), STORED);
        })
    });
    let (mut engine, expect) = rts.current.block_on(async {
        let mut engine = lab().await;
        let options = mls_lab::engine::GenerateOptions::default();
        engine
            .generate("bob", STORED as u32, options)
            .await
            .expect("generate");
        (engine, cmd(&format!("expect bob key-packages {STORED}")))
    });
    group.bench_function("engine", |b| {
        b.iter(|| rts.current.block_on(run(&mut engine, &expect)))
    });
    group.finish();
}

/// `bob generate 200` on one thread and on all of the machine's cores: the batch
/// generation that `generate N` does with rayon, through the engine.
fn generate_batch(c: &mut Criterion, rts: &Runtimes) {
    const BATCH: u32 = 200;
    let mut group = c.benchmark_group("generate_batch_200");
    group.sample_size(10);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for (label, threads) in [("1_thread", 1), ("all_cores", cores)] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("rayon pool");
        group.bench_function(label, |b| {
            b.iter_custom(|iters| {
                rts.current.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let mut engine = Engine::new();
                        engine.execute_line("clients bob").await.expect("clients");
                        let options = mls_lab::engine::GenerateOptions::default();
                        let started = Instant::now();
                        pool.install(|| {
                            futures_executor_block(engine.generate("bob", BATCH, options))
                        })
                        .expect("generate");
                        total += started.elapsed();
                    }
                    total
                })
            });
        });
    }
    group.finish();
}

/// Polls a future to completion on this thread (the generate future makes one DS
/// request only when a new signer is needed, which `clients` already did).
fn futures_executor_block<F: Future>(future: F) -> F::Output {
    futures_util::FutureExt::now_or_never(future)
        .expect("generate with an existing signer completes without waiting")
}

// ---- accept: the checklist's way in, against OpenMLS's alone ----

fn accept_lab_and_raw(c: &mut Criterion) {
    let bytes = RawClient::new("bob")
        .generate()
        .0
        .tls_serialize_detached()
        .expect("serialize");
    let crypto = RustCrypto::default();
    let policy = mls_lab::inspect::checks::Policy::default();
    let mut group = c.benchmark_group("accept");
    group.bench_function("raw", |b| b.iter(|| black_box(accept(&crypto, &bytes))));
    group.bench_function("lab", |b| {
        b.iter(|| {
            black_box(mls_lab::engine::wire::accept_key_package_judged(
                &crypto,
                &bytes,
                mls_lab::engine::KeyPackageFormat::KeyPackage,
                std::time::SystemTime::now(),
                mls_lab::inspect::checks::Judge::Ds,
                &policy,
            ))
            .expect("a package OpenMLS made is accepted")
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let rts = Runtimes {
        multi: Runtime::new().expect("tokio runtime"),
        current: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime"),
    };
    compare(c, &rts, "generate", generate_raw, generate_engine);
    compare(c, &rts, "publish", publish_raw, publish_engine);
    compare(c, &rts, "claim", claim_raw, claim_engine);
    accept_lab_and_raw(c);
    compare(c, &rts, "add", add_raw, add_engine);
    compare(c, &rts, "join", join_raw, join_engine);
    let mut group = c.benchmark_group("ds_round_trip");
    bench_engine(&mut group, &rts, ds_round_trip_engine);
    group.finish();
    generate_batch(c, &rts);
    expect_key_packages(c, &rts);
}

criterion_group! {
    name = engine;
    config = Criterion::default()
        .sample_size(30)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(engine);
