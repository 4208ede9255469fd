//! Cost linear in the input (issue: crafted input within the size limit once took
//! minutes and gigabytes). Worst cases are crafted at two sizes — a key package with
//! the longest lists the reader allows and a huge credential and extensions, and a
//! Welcome with as many `secrets[]` as allowed — and read by `inspect`, by the DS at
//! `import-key-package` and by a joiner at `join --welcome`. An allocator that counts
//! bytes shows that the peak memory stays within a constant factor of the input and
//! that four times the input costs about four times the allocations, not sixteen.
//! Time is measured at the size limit in `benches/input_cost.rs`, not here.

mod rules_common;
mod support;
#[path = "support/worst.rs"]
mod worst;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use mls_lab::engine::{Engine, Randomness};
use mls_lab::inspect::inspect;
use support::run_all;
use worst::{worst_key_package, worst_welcome};

/// Counts live bytes, their peak and every byte ever allocated.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
            TOTAL.fetch_add(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the counters are global.
static MEASURING: Mutex<()> = Mutex::new(());

/// What an operation cost: the peak of live bytes above where it started, and
/// every byte it allocated.
#[derive(Debug, Clone, Copy)]
struct Cost {
    peak: usize,
    total: usize,
}

fn measure<T>(operation: impl FnOnce() -> T) -> (T, Cost) {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    let total = TOTAL.load(Ordering::Relaxed);
    let result = operation();
    let cost = Cost {
        peak: PEAK.load(Ordering::Relaxed).saturating_sub(live),
        total: TOTAL.load(Ordering::Relaxed) - total,
    };
    (result, cost)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Runs `line` on a lab set up by `setup`; the line's own cost only.
fn engine_cost(setup: &[&str], line: &str) -> Cost {
    let runtime = runtime();
    let _inside = runtime.enter();
    let mut engine = Engine::with_randomness(Randomness::Seeded(3));
    runtime.block_on(run_all(&mut engine, setup));
    let (_, cost) = measure(|| {
        runtime.block_on(async {
            use mls_lab::command::Execute as _;
            // Refused or not, the line must read the whole input once.
            let _outcome = engine.execute_line(line).await;
        })
    });
    cost
}

/// Peak within `factor` times the input (plus a fixed allowance for the lab's own
/// state), and four times the input allocating at most about four times as much.
fn assert_linear(what: &str, small: (usize, Cost), large: (usize, Cost), factor: usize) {
    const ALLOWANCE: usize = 4 << 20;
    eprintln!("{what}: {small:?} {large:?}");
    for (size, cost) in [small, large] {
        assert!(
            cost.peak <= factor * size + ALLOWANCE,
            "{what}: peak {} bytes for {size} bytes of input (limit {factor}× + 4 MiB)",
            cost.peak
        );
    }
    let growth = large.1.total as f64 / small.1.total.max(1) as f64;
    let input_growth = large.0 as f64 / small.0 as f64;
    assert!(
        growth <= input_growth * 1.5,
        "{what}: {input_growth}× the input allocated {growth:.1}× as much ({small:?} → {large:?})"
    );
}

const SMALL: usize = 512 << 10;
const LARGE: usize = 2 << 20;

#[test]
fn inspecting_a_crafted_key_package_costs_linear_memory() {
    let _one = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let cost = |size| {
        let bytes = worst_key_package(size);
        let (report, cost) = measure(|| inspect(&bytes, 0));
        assert!(report.is_ok(), "the crafted package reads: {report:?}");
        (bytes.len(), cost)
    };
    assert_linear("inspect key package", cost(SMALL), cost(LARGE), 16);
}

#[test]
fn inspecting_a_crafted_welcome_costs_linear_memory() {
    let _one = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let cost = |size| {
        let bytes = worst_welcome(size);
        let (report, cost) = measure(|| inspect(&bytes, 0));
        assert!(report.is_ok(), "the crafted Welcome reads: {report:?}");
        (bytes.len(), cost)
    };
    assert_linear("inspect Welcome", cost(SMALL), cost(LARGE), 16);
}

#[test]
fn importing_a_crafted_key_package_costs_linear_memory() {
    let _one = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let cost = |size| {
        let path = dir.path().join(format!("carol-{size}.kp"));
        let bytes = worst_key_package(size);
        std::fs::write(&path, &bytes).expect("write");
        let line = format!("import-key-package {} --as carol", path.display());
        (bytes.len(), engine_cost(&["clients alice"], &line))
    };
    assert_linear("import-key-package", cost(SMALL), cost(LARGE), 24);
}

#[test]
fn joining_a_crafted_welcome_costs_linear_memory() {
    let _one = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let cost = |size| {
        let path = dir.path().join(format!("welcome-{size}"));
        let bytes = worst_welcome(size);
        std::fs::write(&path, &bytes).expect("write");
        let line = format!("bob join --welcome {}", path.display());
        let setup = ["clients bob", "bob generate 1", "bob publish --all"];
        (bytes.len(), engine_cost(&setup, &line))
    };
    assert_linear("join --welcome", cost(SMALL), cost(LARGE), 24);
}
