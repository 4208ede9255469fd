//! Interop with an independent RFC 9420 implementation, AWS mls-rs with its
//! RustCrypto provider, in suite 1 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519),
//! in both directions and through files only, as a tester would do it:
//!
//! - a lab client's exported key package is accepted by mls-rs, which adds it to
//!   its group; the lab client joins from mls-rs's Welcome with
//!   `join --welcome FILE`;
//! - an mls-rs key package is imported with `import-key-package`, a lab client
//!   adds it, `export-welcome` writes the Welcome, and mls-rs joins from it with
//!   no ratchet tree given out of band.
//!
//! Both sides then agree on the epoch and the epoch authenticator (RFC 9420 §8.7).

mod support;
use support::run;

use std::time::Duration;

use mls_lab::command::Execute as _;
use mls_lab::engine::{Engine, GroupView};
use mls_rs::client_builder::MlsConfig;
use mls_rs::identity::basic::{BasicCredential, BasicIdentityProvider};
use mls_rs::identity::SigningIdentity;
use mls_rs::{CipherSuite, CipherSuiteProvider, Client, CryptoProvider, ExtensionList, MlsMessage};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

const SUITE: CipherSuite = CipherSuite::CURVE25519_AES128;

/// An mls-rs client with a basic credential, as its own example builds one. Its
/// key packages live 30 days: mls-rs's default (a year) is longer than the lab's
/// DS accepts.
fn foreign_client(name: &str) -> Client<impl MlsConfig> {
    let crypto = RustCryptoProvider::default();
    let suite = crypto.cipher_suite_provider(SUITE).expect("suite 1");
    let (secret, public) = suite.signature_key_generate().expect("a signature key");
    let credential = BasicCredential::new(name.as_bytes().to_vec()).into_credential();
    Client::builder()
        .identity_provider(BasicIdentityProvider)
        .crypto_provider(crypto)
        .signing_identity(SigningIdentity::new(credential, public), secret, SUITE)
        .key_package_lifetime(Duration::from_secs(30 * 86_400))
        .build()
}

fn file(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_string_lossy().into_owned()
}

fn only_group(engine: &Engine, client: &str) -> GroupView {
    let views = engine.client(client).expect("client").group_views();
    assert_eq!(views.len(), 1, "{client}'s groups: {views:?}");
    views.into_iter().next().expect("one group")
}

/// (a) The lab's key package goes out, mls-rs's Welcome comes in.
#[tokio::test(flavor = "current_thread")]
async fn mls_rs_adds_a_lab_key_package_and_the_lab_client_joins_its_welcome() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (kp, welcome) = (file(&dir, "bob.kp"), file(&dir, "welcome"));
    let mut lab = Engine::new();
    for line in [
        "clients bob",
        "bob generate 1",
        &format!("bob export-key-package @1 --to {kp}"),
    ] {
        run(&mut lab, line).await;
    }

    let alice = foreign_client("alice@mls-rs");
    let mut group = alice
        .create_group(ExtensionList::default(), ExtensionList::default(), None)
        .expect("mls-rs group");
    let key_package =
        MlsMessage::from_bytes(&std::fs::read(&kp).expect("exported file")).expect("decodes");
    let commit = group
        .commit_builder()
        .add_member(key_package)
        .expect("mls-rs accepts the lab's key package")
        .build()
        .expect("commit");
    group.apply_pending_commit().expect("merge");
    let bytes = commit.welcome_messages[0].to_bytes().expect("encode");
    std::fs::write(&welcome, bytes).expect("write the Welcome");

    run(&mut lab, &format!("bob join --welcome {welcome}")).await;
    let joined = only_group(&lab, "bob");
    assert_eq!(joined.epoch, group.current_epoch());
    assert_eq!(
        joined.epoch_authenticator,
        hex::encode(
            group
                .epoch_authenticator()
                .expect("authenticator")
                .as_bytes()
        )
    );
    assert_eq!(joined.members, ["alice@mls-rs", "bob"]);
    // The private bundle was found through the reference and consumed.
    assert_eq!(lab.client("bob").unwrap().private_bundles(), 0);
}

/// (b) mls-rs's key package comes in, the lab's Welcome goes out, in every
/// framing and encoding the lab writes.
#[tokio::test(flavor = "current_thread")]
async fn the_lab_adds_an_mls_rs_key_package_and_mls_rs_joins_the_exported_welcome() {
    for flags in ["", "--hex", "--base64"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let (kp, welcome) = (file(&dir, "zoe.kp"), file(&dir, "team.welcome"));
        let zoe = foreign_client("zoe@mls-rs");
        let message = zoe
            .generate_key_package_message(ExtensionList::default(), ExtensionList::default(), None)
            .expect("key package");
        std::fs::write(&kp, message.to_bytes().expect("encode")).expect("write");

        let mut lab = Engine::new();
        for line in [
            "clients alice",
            "alice create-group team",
            &format!("import-key-package {kp} --as zoe"),
            "alice claim zoe",
            "alice add zoe --to team",
            "deliver",
            &format!("export-welcome team --to {welcome} {flags}"),
        ] {
            run(&mut lab, line).await;
        }
        let written = std::fs::read(&welcome).expect("exported Welcome");
        let bytes = match flags {
            "--hex" => hex::decode(String::from_utf8(written).unwrap().trim()).unwrap(),
            "--base64" => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(String::from_utf8(written).unwrap().trim())
                    .unwrap()
            }
            _ => written,
        };
        // No ratchet tree out of band: the Welcome must carry it.
        let (group, _) = zoe
            .join_group(
                None,
                &MlsMessage::from_bytes(&bytes).expect("decodes"),
                None,
            )
            .expect("mls-rs joins from the lab's Welcome");
        let alice = only_group(&lab, "alice");
        assert_eq!(group.current_epoch(), alice.epoch, "{flags}");
        assert_eq!(
            hex::encode(
                group
                    .epoch_authenticator()
                    .expect("authenticator")
                    .as_bytes()
            ),
            alice.epoch_authenticator,
            "{flags}"
        );
        assert_eq!(group.roster().members().len(), 2);
        assert_eq!(alice.members, ["alice", "zoe@mls-rs"]);
    }
}

/// mls-rs's default key package lifetime is a year; the lab's DS accepts at most
/// 13 weeks, so the import is refused with a typed error and changes nothing.
#[tokio::test(flavor = "current_thread")]
async fn an_mls_rs_key_package_with_its_default_year_long_lifetime_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kp = file(&dir, "long.kp");
    let crypto = RustCryptoProvider::default();
    let suite = crypto.cipher_suite_provider(SUITE).expect("suite 1");
    let (secret, public) = suite.signature_key_generate().expect("a signature key");
    let credential = BasicCredential::new(b"long".to_vec()).into_credential();
    let client = Client::builder()
        .identity_provider(BasicIdentityProvider)
        .crypto_provider(crypto)
        .signing_identity(SigningIdentity::new(credential, public), secret, SUITE)
        .build();
    let message = client
        .generate_key_package_message(ExtensionList::default(), ExtensionList::default(), None)
        .expect("key package");
    std::fs::write(&kp, message.to_bytes().expect("encode")).expect("write");
    let mut lab = Engine::new();
    let error = lab
        .execute_line(&format!("import-key-package {kp} --as long"))
        .await
        .expect_err("refused");
    assert_eq!(error.code(), "LifetimeTooLong", "{error}");
    assert!(lab.clients().is_empty());
    assert!(lab.ds_snapshot().await.unwrap().clients.is_empty());
}

/// Every crafted kind (`NAME craft KIND`, the corpus of tests/crafted.rs) given
/// to mls-rs's own `add_member`: what it accepts and refuses, recorded here and
/// in docs/exploratory-testing.md as data on where the stacks differ.
#[tokio::test(flavor = "current_thread")]
async fn mls_rs_judges_every_crafted_key_package() {
    // (craft arguments, whether mls-rs's add_member accepts it)
    let corpus: &[(&str, bool)] = &[
        ("plain", true),
        ("lifetime --not-after +365d", true),
        ("lifetime --not-after -1d --not-before -2d", false),
        ("grease --at key-package", true),
        ("grease --at leaf", true),
        ("grease --at suites", true),
        ("unlisted-extension --at leaf", false),
        // mls-rs does not check a key package's own extensions against the
        // capabilities (RFC 9420 §10.1 asks it to), nor a point's encoding.
        ("unlisted-extension --at key-package", true),
        ("unlisted-credential", false),
        ("init-is-encryption-key", false),
        ("duplicate-extension --at key-package", false),
        ("version", false),
        ("compressed-key --suite 2", true),
        ("no-last-resort-capability", true),
        ("plain --broken-signature", false),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lab = Engine::new();
    run(&mut lab, "clients bob").await;
    let mut seen = Vec::new();
    for (i, (args, _)) in corpus.iter().enumerate() {
        let kp = file(&dir, &format!("kp{i}"));
        run(&mut lab, &format!("bob craft {args} --to {kp}")).await;
        let suite = if args.contains("--suite 2") {
            CipherSuite::P256_AES128
        } else {
            SUITE
        };
        let crypto = RustCryptoProvider::default();
        let provider = crypto.cipher_suite_provider(suite).expect("suite");
        let (secret, public) = provider.signature_key_generate().expect("key");
        let credential = BasicCredential::new(b"alice".to_vec()).into_credential();
        let alice = Client::builder()
            .identity_provider(BasicIdentityProvider)
            .crypto_provider(crypto)
            .signing_identity(SigningIdentity::new(credential, public), secret, suite)
            .build();
        let mut group = alice
            .create_group(ExtensionList::default(), ExtensionList::default(), None)
            .expect("group");
        let accepted = MlsMessage::from_bytes(&std::fs::read(&kp).expect("file"))
            .ok()
            .and_then(|message| group.commit_builder().add_member(message).ok())
            .and_then(|builder| builder.build().ok())
            .is_some();
        seen.push((*args, accepted));
    }
    eprintln!("mls-rs verdicts: {seen:?}");
    let want: Vec<(&str, bool)> = corpus.to_vec();
    assert_eq!(seen, want);
}
