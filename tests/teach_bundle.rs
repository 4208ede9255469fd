//! The bundle and the reference, shown (teaching issue §4): a key package's
//! private bundle as the storage holds it, redacted, and its reference recomputed
//! with the provider's crypto (RFC 9420 §5.2), through the engine's API.

use mls_lab::command::Execute as _;
use mls_lab::engine::bundle::KEY_PACKAGE_REF_LABEL;
use mls_lab::engine::Engine;
use openmls::prelude::{KeyPackageBundle, KeyPackageRef, OpenMlsProvider as _};
use openmls_traits::crypto::OpenMlsCrypto as _;
use openmls_traits::storage::StorageProvider as _;
use openmls_traits::types::HashType;

async fn lab(lines: &[&str]) -> Engine {
    let mut engine = Engine::new();
    for line in lines {
        if let Err(e) = engine.execute_line(line).await {
            panic!("setup line {line:?} failed: {e}");
        }
    }
    engine
}

#[tokio::test]
async fn the_bundle_is_shown_redacted_under_its_reference() {
    let engine = lab(&["clients bob", "bob generate"]).await;
    let client = engine.client("bob").expect("bob");
    let entry = &client.inventory()[0];
    let kp_ref = mls_lab::domain::KeyPackageRef::from(&entry.kp_ref);
    let details = engine.bundle_details("bob", &kp_ref).expect("details");
    assert_eq!(details.kp_ref, kp_ref);

    // The reference: RefHash over the encoded key package, recomputed equal.
    let reference = &details.reference;
    assert_eq!(reference.label, KEY_PACKAGE_REF_LABEL);
    assert_eq!(reference.hash, "SHA-256");
    assert!(reference.matches(), "{reference:?}");
    assert_eq!(reference.stored, kp_ref);
    assert_eq!(reference.key_package_len, details.encoded.len());
    // label<V> (1-byte length + 28), value<V> (2-byte length + the package).
    assert_eq!(reference.input_len, 1 + 28 + 2 + details.encoded.len());

    // The bundle: filed under the reference's bytes, keys redacted.
    let bundle = details.bundle.as_ref().expect("in storage");
    assert!(bundle.key_is_reference, "{bundle:?}");
    let fields: Vec<&str> = bundle
        .private_keys
        .iter()
        .map(|k| k.field.as_str())
        .collect();
    assert_eq!(fields, ["private_init_key", "private_encryption_key"]);
    let stored = client
        .provider()
        .storage()
        .key_package::<KeyPackageRef, KeyPackageBundle>(&entry.kp_ref)
        .expect("storage")
        .expect("a bundle");
    let init = stored.init_private_key();
    let init_key = &bundle.private_keys[0];
    assert_eq!(init_key.len, init.len());
    assert_eq!(init_key.len, 32, "an X25519 private key");
    assert!(init_key.kind.contains("25519"), "{}", init_key.kind);
    let digest = client
        .provider()
        .crypto()
        .hash(HashType::Sha2_256, init)
        .expect("hash");
    assert_eq!(init_key.fingerprint, hex::encode(&digest[..4]));
    // Never the key itself, anywhere in what the UI receives.
    let shown = format!("{details:?}");
    assert!(!shown.contains(&hex::encode(&init[..])), "the key leaked");
    assert!(
        !shown.contains(&format!("{:?}", &init[..8])),
        "the key leaked"
    );
}

#[tokio::test]
async fn a_deleted_bundle_is_gone_from_storage_and_the_reference_still_recomputes() {
    let engine = lab(&["clients bob", "bob generate", "bob delete-bundle @1"]).await;
    let client = engine.client("bob").expect("bob");
    let kp_ref = mls_lab::domain::KeyPackageRef::from(&client.inventory()[0].kp_ref);
    let details = engine.bundle_details("bob", &kp_ref).expect("details");
    assert_eq!(details.bundle, None);
    assert!(details.reference.matches());
    assert!(engine.bundle_details("carol", &kp_ref).is_err());
    let unknown = mls_lab::domain::KeyPackageRef::from_bytes([0xff, 0xff]);
    assert!(engine.bundle_details("bob", &unknown).is_err());
}

/// The private init key of `owner`'s first key package, as its storage holds it.
fn stored_init_key(engine: &Engine, owner: &str) -> Vec<u8> {
    let client = engine.client(owner).expect("client");
    let entry = &client.inventory()[0];
    let stored = client
        .provider()
        .storage()
        .key_package::<KeyPackageRef, KeyPackageBundle>(&entry.kp_ref)
        .expect("storage")
        .expect("a bundle");
    stored.init_private_key().to_vec()
}

#[tokio::test]
async fn a_welcome_to_two_joiners_is_sealed_to_each_ones_init_key_and_opened_by_its_bundle() {
    use mls_lab::engine::Opener;
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
    ])
    .await;
    let private: Vec<Vec<u8>> = ["bob", "carol"]
        .iter()
        .map(|owner| stored_init_key(&engine, owner))
        .collect();
    let sent = engine
        .events()
        .iter()
        .find(|e| e.kind.name() == "welcome_sent")
        .expect("a Welcome")
        .seq;
    let expected = |owner: &str| {
        let client = engine.client(owner).expect("client");
        let entry = &client.inventory()[0];
        (
            mls_lab::domain::KeyPackageRef::from(&entry.kp_ref),
            hex::encode(entry.key_package.hpke_init_key().as_slice()),
        )
    };
    let details = engine.welcome_details(sent).expect("the Welcome");
    assert_eq!(details.secrets.len(), 2);
    for owner in ["bob", "carol"] {
        let (reference, init_key) = expected(owner);
        let entry = details
            .secrets
            .iter()
            .find(|s| s.owner.as_deref() == Some(owner))
            .expect("an entry for each joiner");
        assert_eq!(entry.new_member, reference);
        assert_eq!(entry.init_key.as_deref(), Some(init_key.as_str()));
        assert_eq!(entry.opener, Opener::BundleInStorage);
        assert_eq!(entry.matched_by, None);
    }
    // The two entries are sealed to two different keys.
    assert_ne!(details.secrets[0].init_key, details.secrets[1].init_key);

    // After the joins each entry was opened by its joiner's bundle, since deleted.
    engine.execute_line("deliver").await.expect("deliver");
    let details = engine.welcome_details(sent).expect("the Welcome");
    for entry in &details.secrets {
        assert_eq!(entry.matched_by, entry.owner);
        assert_eq!(entry.opener, Opener::BundleGone);
    }
    // Never a private key, anywhere in what the UI receives.
    let shown = format!("{details:?}");
    for key in &private {
        assert!(!shown.contains(&hex::encode(key)), "a private key leaked");
        assert!(!shown.contains(&format!("{:?}", &key[..8])), "a key leaked");
    }
}
