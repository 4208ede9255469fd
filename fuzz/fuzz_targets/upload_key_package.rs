//! What the Delivery Service does with an uploaded key package: decode in either
//! framing, validate as a receiver, compute the reference. Typed errors, never a
//! panic. (`import_key_package` runs the whole import through a lab.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_lab::engine::wire::{accept_key_package_at, KeyPackageFormat};
use std::time::{Duration, UNIX_EPOCH};

fuzz_target!(|data: &[u8]| {
    let crypto = openmls_rust_crypto::RustCrypto::default();
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    for format in [KeyPackageFormat::KeyPackage, KeyPackageFormat::MlsMessage] {
        let _ = accept_key_package_at(&crypto, data, format, now);
    }
});
