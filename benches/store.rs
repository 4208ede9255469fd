//! The DS store alone under a room's load: 200 concurrent requests, each a
//! publish (one key package into the directory) or a consume (one out, the
//! owner's counters updated), through group commit into SQLite in WAL mode,
//! each acknowledged only once durable. Throughput is requests per second.
//!
//! `cargo bench --bench store`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mls_lab::serve::service::ClientId;
use mls_lab::serve::store::{
    Change, Durability, GroupCommit, GroupCommitConfig, SqliteStore, StoreError, StorePath,
    StoredKeyPackage, TokenDigest,
};

const CONCURRENT: u64 = 200;

fn owner() -> ClientId {
    ClientId::new(b"bob".to_vec()).expect("an identity")
}

fn package(n: u64) -> StoredKeyPackage {
    let mut kp_ref = vec![0u8; 32];
    kp_ref[..8].copy_from_slice(&n.to_be_bytes());
    StoredKeyPackage {
        kp_ref,
        owner: owner(),
        ciphersuite: 1,
        last_resort: false,
        not_before: 1_700_000_000,
        not_after: 1_800_000_000,
        handouts: 0,
        // A suite-1 key package is about 280 bytes.
        bytes: vec![0x5a; 280],
    }
}

/// A fresh database file with bob registered, behind group commit.
fn start(durability: Durability) -> (tempfile::TempDir, Arc<GroupCommit>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = StorePath::File(dir.path().join("bench.sqlite"));
    let store = SqliteStore::open(&path, durability).expect("opens");
    let (commit, _writer) =
        GroupCommit::start(store, GroupCommitConfig::default()).expect("starts");
    (dir, Arc::new(commit))
}

/// Runs `CONCURRENT` requests at once, `rounds` times; each request is the
/// change set `make(n)` for a fresh `n`.
async fn run(
    commit: &Arc<GroupCommit>,
    next: &Arc<AtomicU64>,
    rounds: u64,
    make: fn(u64) -> Vec<Change>,
) -> Duration {
    let start = Instant::now();
    for _ in 0..rounds {
        let tasks: Vec<_> = (0..CONCURRENT)
            .map(|_| {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let acknowledged = commit.submit(make(n));
                tokio::spawn(acknowledged)
            })
            .collect();
        for task in tasks {
            let result: Result<(), StoreError> = task.await.expect("the task runs");
            result.expect("durable");
        }
    }
    start.elapsed()
}

fn publish(n: u64) -> Vec<Change> {
    vec![Change::AddKeyPackage(package(n))]
}

fn consume(n: u64) -> Vec<Change> {
    vec![
        Change::RemoveKeyPackage {
            kp_ref: package(n).kp_ref,
        },
        Change::SetCounters {
            client: owner(),
            claims: n + 1,
            last_resort_reuses: 0,
        },
    ]
}

fn store(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let mut group = c.benchmark_group("store_group_commit_200_concurrent");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(CONCURRENT));
    for (durability, name) in [
        (Durability::PowerLoss, "fsync_full"),
        (Durability::ProcessCrash, "sync_normal"),
    ] {
        let (_dir, commit) = start(durability);
        let next = Arc::new(AtomicU64::new(0));
        let bob = Change::AddClient {
            client: owner(),
            token_digest: TokenDigest::of(&[1; 32]),
        };
        runtime
            .block_on(commit.submit(vec![bob]))
            .expect("bob registered");
        group.bench_function(BenchmarkId::new("publish", name), |b| {
            b.to_async(&runtime)
                .iter_custom(|rounds| run(&commit, &next, rounds, publish))
        });
        // Consume what was published, oldest first.
        let consumed = Arc::new(AtomicU64::new(0));
        group.bench_function(BenchmarkId::new("consume", name), |b| {
            b.to_async(&runtime).iter_custom(|rounds| {
                let (commit, next, consumed) = (&commit, &next, &consumed);
                async move {
                    // Top the directory up untimed, so every consume finds its package.
                    let wanted = consumed.load(Ordering::Relaxed) + rounds * CONCURRENT;
                    let available = next.load(Ordering::Relaxed);
                    if available < wanted {
                        run(
                            commit,
                            next,
                            (wanted - available).div_ceil(CONCURRENT),
                            publish,
                        )
                        .await;
                    }
                    run(commit, consumed, rounds, consume).await
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, store);
criterion_main!(benches);
