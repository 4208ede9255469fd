//! Input cost at the size limit: the crafted worst cases of tests/support/worst.rs
//! at 16 MiB (`MAX_INPUT`), read by the lab and by the raw OpenMLS call that
//! decodes the same bytes, in one run.
//!
//! | bench                    | lab (timed)                          | raw (timed)                                   |
//! |--------------------------|--------------------------------------|-----------------------------------------------|
//! | `key_package/SIZE`       | `inspect` (reader, checklist, both signatures) | `KeyPackageIn::tls_deserialize_exact` + `validate` |
//! | `welcome/SIZE`           | `inspect` (reader, every `new_member`) | `MlsMessageIn::tls_deserialize_exact` + `secrets()` |
//!
//! The tests in tests/input_cost.rs check memory at 512 KiB and 2 MiB in CI; this
//! bench gives the time at 1 MiB, 4 MiB and the limit, so linear growth shows as
//! time proportional to size.
//!
//! Run: `cargo bench --bench input_cost`. Results: `docs/benchmarks.md`.

#[path = "../tests/rules_common/mod.rs"]
mod rules_common;
#[path = "../tests/support/worst.rs"]
mod worst;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mls_lab::inspect::encoding::MAX_INPUT;
use mls_lab::inspect::inspect;
use openmls::prelude::{KeyPackageIn, MlsMessageBodyIn, MlsMessageIn, ProtocolVersion};
use openmls_rust_crypto::RustCrypto;
use tls_codec::Deserialize as _;

const SIZES: [usize; 3] = [1 << 20, 4 << 20, MAX_INPUT as usize - (64 << 10)];

fn key_packages(c: &mut Criterion) {
    let mut group = c.benchmark_group("key_package");
    group.sample_size(10);
    let crypto = RustCrypto::default();
    for size in SIZES {
        let bytes = worst::worst_key_package(size);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("lab_inspect", size), &bytes, |b, bytes| {
            b.iter(|| black_box(inspect(bytes, 0).is_ok()))
        });
        group.bench_with_input(BenchmarkId::new("raw_openmls", size), &bytes, |b, bytes| {
            b.iter(|| {
                let decoded = KeyPackageIn::tls_deserialize_exact(bytes.as_slice());
                black_box(decoded.map(|kp| kp.validate(&crypto, ProtocolVersion::Mls10).is_ok()))
            })
        });
    }
    group.finish();
}

fn welcomes(c: &mut Criterion) {
    let mut group = c.benchmark_group("welcome");
    group.sample_size(10);
    for size in SIZES {
        let bytes = worst::worst_welcome(size);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("lab_inspect", size), &bytes, |b, bytes| {
            b.iter(|| black_box(inspect(bytes, 0).is_ok()))
        });
        group.bench_with_input(BenchmarkId::new("raw_openmls", size), &bytes, |b, bytes| {
            b.iter(|| {
                let decoded = MlsMessageIn::tls_deserialize_exact(bytes.as_slice());
                black_box(decoded.map(|m| match m.extract() {
                    MlsMessageBodyIn::Welcome(w) => w.secrets().len(),
                    _ => 0,
                }))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, key_packages, welcomes);
criterion_main!(benches);
