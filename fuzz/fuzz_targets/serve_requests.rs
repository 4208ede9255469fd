//! Every request body `mls-lab serve` decodes, as the routes decode it (exactly:
//! no byte missing, none left over), and a path's client id. Typed errors, never
//! a panic; a body that decodes encodes back to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_lab::domain::ClientId;
use mls_lab::serve::wire::{
    decode, encode, GroupMessage, PublishKeyPackagesRequest, RecvMessageRequest,
    RegisterClientRequest, SendWelcomeRequest, WireMessage,
};

/// Decodes as `T`; what decodes must encode to the same bytes.
fn round_trip<T: WireMessage>(data: &[u8]) {
    if let Ok(value) = decode::<T>(data) {
        let again = encode(&value).expect("a decoded body encodes");
        assert_eq!(again, data, "{} does not encode back", T::NAME);
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip::<RegisterClientRequest>(data);
    round_trip::<PublishKeyPackagesRequest>(data);
    round_trip::<RecvMessageRequest>(data);
    round_trip::<SendWelcomeRequest>(data);
    round_trip::<GroupMessage>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ClientId::from_path(text);
    }
});
