//! No body crashes a decoder: random bytes, and valid bodies with bytes changed,
//! cut or added, each decode to a value or a typed error, never a panic (the
//! cargo-fuzz targets go further; this runs in every test run).

use proptest::prelude::*;

use super::fixtures::*;
use super::*;

/// One valid body of each request type the server decodes.
fn valid_bodies() -> Vec<Vec<u8>> {
    let alice = TestClient::new("alice");
    let (hash, key_package) = alice.key_package();
    let entries = ClientKeyPackages::new(vec![KeyPackageEntry::new(
        hash,
        key_package_in(&key_package),
    )]);
    let token = AuthToken::from_bytes(vec![7; 32]);
    let traffic = group_traffic();
    let encoded = |result: Result<Vec<u8>, WireError>| result.expect("encodes");
    vec![
        encoded(encode(&RegisterClientRequest {
            key_packages: entries.clone(),
        })),
        encoded(encode(&PublishKeyPackagesRequest {
            key_packages: entries,
            auth_token: token.clone(),
        })),
        encoded(encode(&RecvMessageRequest { auth_token: token })),
        encoded(encode(&SendWelcomeRequest {
            welcome: traffic.welcome,
        })),
        encoded(encode(&GroupMessage::new(traffic.commit, &[b"bob"]))),
    ]
}

/// Every decoder the routes use, on the same bytes.
fn decode_all(bytes: &[u8]) {
    let _ = decode::<RegisterClientRequest>(bytes);
    let _ = decode::<PublishKeyPackagesRequest>(bytes);
    let _ = decode::<RecvMessageRequest>(bytes);
    let _ = decode::<SendWelcomeRequest>(bytes);
    let _ = decode::<GroupMessage>(bytes);
    let _ = decode::<Mailbox>(bytes);
    let _ = decode::<ClientList>(bytes);
    let _ = decode::<ConsumedKeyPackage>(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_crash_a_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn changed_valid_bodies_never_crash_a_decoder(
        which in 0usize..5,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        extra in proptest::collection::vec(any::<u8>(), 0..4),
    ) {
        thread_local! {
            static BODIES: Vec<Vec<u8>> = valid_bodies();
        }
        let mut body = BODIES.with(|bodies| bodies[which].clone());
        for (at, byte) in edits {
            let index = at.index(body.len());
            body[index] = byte;
        }
        decode_all(&body);
        body.truncate(cut.index(body.len() + 1));
        body.extend(extra);
        decode_all(&body);
    }
}
