//! `mls-lab inspect` through its library API and the real binary: every entry of
//! the MLS working group's Welcome vectors, key packages made here by OpenMLS in
//! both framings and three encodings, and tampered copies re-signed or not, with
//! the inspector's checks required to agree with OpenMLS's own validation.

use assert_cmd::Command;
use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::signatures::Signer;
use tls_codec::Serialize as _;

use mls_lab::inspect::checks::{RuleId, Source, Verdict};
use mls_lab::inspect::{inspect, Findings, Framing, InspectError, Report};

const SUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

fn now() -> u64 {
    mls_lab::domain::LabClock::system_secs()
}

struct Made {
    key_package: KeyPackage,
    signer: SignatureKeyPair,
    provider: OpenMlsRustCrypto,
}

fn make(identity: &[u8], build: impl FnOnce(KeyPackageBuilder) -> KeyPackageBuilder) -> Made {
    let provider = OpenMlsRustCrypto::default();
    let signer = SignatureKeyPair::new(SUITE.signature_algorithm()).expect("signature key pair");
    let credential = CredentialWithKey {
        credential: BasicCredential::new(identity.to_vec()).into(),
        signature_key: signer.public().into(),
    };
    let bundle = build(KeyPackage::builder())
        .build(SUITE, &provider, &signer, credential)
        .expect("key package");
    Made {
        key_package: bundle.key_package().clone(),
        signer,
        provider,
    }
}

fn bare(made: &Made) -> Vec<u8> {
    made.key_package.tls_serialize_detached().expect("encode")
}

fn framed(made: &Made) -> Vec<u8> {
    MlsMessageOut::from(made.key_package.clone())
        .tls_serialize_detached()
        .expect("encode")
}

fn report(bytes: &[u8]) -> Report {
    inspect(bytes, now()).unwrap_or_else(|e| panic!("inspect failed: {e}"))
}

fn key_package_findings(report: &Report) -> &mls_lab::inspect::KeyPackageFindings {
    match &report.findings {
        Findings::KeyPackage(kp) => kp,
        Findings::Welcome(_) => panic!("expected a key package"),
    }
}

fn verdict(report: &Report, name: &str) -> Verdict {
    key_package_findings(report)
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}"))
        .verdict
}

/// The inspector accepts exactly what OpenMLS accepts.
fn assert_agrees_with_openmls(report: &Report) {
    let kp = key_package_findings(report);
    let all_pass = kp.checks.iter().all(|c| c.verdict == Verdict::Pass);
    assert_eq!(
        all_pass,
        kp.openmls.is_ok(),
        "checks {:?} vs OpenMLS {:?}",
        kp.checks,
        kp.openmls
    );
}

#[test]
fn a_key_package_reads_the_same_in_every_framing_and_encoding_with_its_reference() {
    let made = make(b"bob", |b| b);
    let want = mls_lab::domain::KeyPackageRef::from(
        made.key_package
            .hash_ref(made.provider.crypto())
            .expect("hash_ref"),
    );
    let framed_bytes = framed(&made);
    let inputs: Vec<(Vec<u8>, Framing)> = vec![
        (bare(&made), Framing::Bare),
        (framed_bytes.clone(), Framing::MlsMessage),
        (hex::encode(&framed_bytes).into_bytes(), Framing::MlsMessage),
        (
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &framed_bytes)
                .into_bytes(),
            Framing::MlsMessage,
        ),
    ];
    for (input, framing) in inputs {
        let report = report(&input);
        assert_eq!(report.framing, framing);
        let kp = key_package_findings(&report);
        assert_eq!(kp.reference.as_ref(), Ok(&want));
        assert!(report.passes(), "{:?}", kp.checks);
        assert_agrees_with_openmls(&report);
    }
}

#[test]
fn every_field_sits_at_its_offset_and_the_tree_covers_every_byte() {
    let made = make(b"bob", |b| b);
    let bytes = framed(&made);
    let report = report(&bytes);
    assert_eq!((report.tree.offset, report.tree.len), (0, bytes.len()));
    for (_, field) in report.tree.walk() {
        assert!(
            field.offset + field.len <= bytes.len(),
            "{} out of range",
            field.name
        );
        // Children tile their parent exactly, in order.
        if !field.children.is_empty() && field.name != "secrets" {
            let mut at =
                field.offset + (field.len - field.children.iter().map(|c| c.len).sum::<usize>());
            for child in &field.children {
                assert_eq!(child.offset, at, "{} inside {}", child.name, field.name);
                at += child.len;
            }
            assert_eq!(at, field.offset + field.len, "children of {}", field.name);
        }
    }
    // The init key's field is its length prefix and its 32 bytes.
    let init = report.tree.find("init_key").expect("init_key");
    assert_eq!(init.len, 33);
    assert_eq!(bytes[init.offset], 32);
    assert_eq!(
        &bytes[init.offset + 1..init.offset + 33],
        made.key_package.hpke_init_key().as_slice()
    );
}

#[test]
fn the_last_resort_trap_fails_the_capabilities_check_as_openmls_does() {
    // The page's own example: mark_as_last_resort without the capability.
    let made = make(b"bob", |b| b.mark_as_last_resort());
    let report = report(&framed(&made));
    assert_eq!(
        verdict(&report, "extensions in capabilities"),
        Verdict::Fail
    );
    assert!(key_package_findings(&report)
        .openmls
        .as_ref()
        .is_err_and(|e| e.contains("UnsupportedExtension")));
    assert_agrees_with_openmls(&report);
    assert!(!report.passes());

    let fixed = make(b"bob", |b| {
        b.mark_as_last_resort()
            .leaf_node_capabilities(Capabilities::new(
                None,
                None,
                Some(&[ExtensionType::LastResort]),
                None,
                None,
            ))
    });
    assert!(self::report(&framed(&fixed)).passes());
}

#[test]
fn a_flipped_signature_byte_fails_that_signature_only() {
    let made = make(b"bob", |b| b);
    let mut bytes = bare(&made);
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let report = report(&bytes);
    assert_eq!(verdict(&report, "signature"), Verdict::Fail);
    assert_eq!(verdict(&report, "leaf node signature"), Verdict::Pass);
    assert_agrees_with_openmls(&report);

    // A byte of the leaf's identity: both signatures cover it.
    let mut bytes = bare(&made);
    let identity = report.tree.find("identity").expect("identity");
    bytes[identity.offset + 1] ^= 1;
    let report = self::report(&bytes);
    assert_eq!(verdict(&report, "leaf node signature"), Verdict::Fail);
    assert_eq!(verdict(&report, "signature"), Verdict::Fail);
    assert_agrees_with_openmls(&report);
}

/// A basic credential's identity reads as its length and its text.
#[test]
fn a_basic_identity_reads_as_its_length_and_text() {
    let report = report(&bare(&make(b"bob", |b| b)));
    let identity = report.tree.find("identity").expect("identity");
    assert_eq!(identity.value.as_deref(), Some("3 bytes \"bob\""));
    assert_eq!(identity.text.as_deref(), Some("bob"));
}

/// Replaces the init key by the encryption key and signs the key package again
/// with the owner's key, so only that rule is broken.
#[test]
fn an_init_key_equal_to_the_encryption_key_is_caught_even_when_re_signed() {
    let made = make(b"bob", |b| b);
    let bytes = bare(&made);
    let report = report(&bytes);
    let init = report.tree.find("init_key").expect("init_key").clone();
    let encryption = report
        .tree
        .find("encryption_key")
        .expect("encryption_key")
        .clone();
    let signature = report.tree.children.last().expect("signature").clone();
    let mut tbs = bytes[..signature.offset].to_vec();
    let encryption_bytes = bytes[encryption.offset..encryption.offset + encryption.len].to_vec();
    tbs.splice(init.offset..init.offset + init.len, encryption_bytes);
    let mut content = tls_codec::VLBytes::new(b"MLS 1.0 KeyPackageTBS".to_vec())
        .tls_serialize_detached()
        .expect("label");
    content.extend(
        tls_codec::VLBytes::new(tbs.clone())
            .tls_serialize_detached()
            .expect("content"),
    );
    let signed = made.signer.sign(&content).expect("sign");
    let mut forged = tbs;
    forged.extend(
        tls_codec::VLBytes::new(signed)
            .tls_serialize_detached()
            .expect("signature"),
    );

    let report = self::report(&forged);
    assert_eq!(verdict(&report, "init key ≠ encryption key"), Verdict::Fail);
    assert_eq!(verdict(&report, "signature"), Verdict::Pass);
    assert_eq!(verdict(&report, "leaf node signature"), Verdict::Pass);
    assert!(key_package_findings(&report)
        .openmls
        .as_ref()
        .is_err_and(|e| e.contains("InitKeyEqualsEncryptionKey")));
}

#[test]
fn the_lifetime_is_read_against_the_time_given() {
    let made = make(b"bob", |b| b.key_package_lifetime(Lifetime::new(3_600)));
    let bytes = framed(&made);
    let later = inspect(&bytes, now() + 7_200).expect("inspect");
    assert_eq!(verdict(&later, "lifetime"), Verdict::Fail);
    assert_eq!(verdict(&report(&bytes), "lifetime"), Verdict::Pass);
}

#[test]
fn every_welcome_vector_names_its_key_package_and_unsupported_suites_say_so() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/welcome.json"
    ))
    .expect("tests/vectors/welcome.json is part of the repository");
    let vectors: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
    assert!(vectors.len() >= 7);
    for vector in &vectors {
        let suite = vector["cipher_suite"].as_u64().expect("suite");
        let kp = report(vector["key_package"].as_str().expect("kp").as_bytes());
        let welcome = report(vector["welcome"].as_str().expect("welcome").as_bytes());
        let reference = key_package_findings(&kp)
            .reference
            .clone()
            .expect("reference");
        match &welcome.findings {
            Findings::Welcome(w) => assert_eq!(w.new_members, vec![reference], "suite {suite}"),
            Findings::KeyPackage(_) => panic!("suite {suite}: the Welcome read as a key package"),
        }
        // The report says what the entry is sealed to and what opens it.
        let text = mls_lab::inspect::render::lines(&welcome).join("\n");
        assert!(
            text.contains("HPKE-sealed to the init_key of the key package its new_member names"),
            "{text}"
        );
        if suite <= 3 {
            // Every rule of the RFC and of OpenMLS holds; only the DS's policy on
            // the longest lifetime refuses the vectors' (0 to 2^64-1).
            let checks = &key_package_findings(&kp).checks;
            for check in checks {
                let by_policy = matches!(check.source, Source::DsPolicy { .. });
                let holds = check.verdict == Verdict::Pass
                    || (by_policy && check.rule == RuleId::MaxLifetime);
                assert!(holds, "suite {suite}: {check:?}");
            }
            assert!(!kp.passes(), "suite {suite}: the DS refuses its lifetime");
        } else {
            assert_eq!(verdict(&kp, "cipher suite"), Verdict::Fail, "suite {suite}");
            assert_eq!(
                verdict(&kp, "signature"),
                Verdict::NotChecked,
                "suite {suite}"
            );
            let reason = &key_package_findings(&kp).checks[1].reason;
            assert!(reason.contains("not supported"), "{reason}");
        }
    }
}

#[test]
fn every_truncation_and_random_input_is_a_typed_error() {
    let bytes = framed(&make(b"bob", |b| b));
    for cut in 0..bytes.len() {
        match inspect(&bytes[..cut], now()) {
            Err(InspectError::NotMls { .. } | InspectError::Empty) => {}
            // A short prefix can be a complete bare Welcome of nobody (`00 01`, no
            // secrets, a group info): the bytes say so, and that is what is shown.
            Ok(Report {
                framing: Framing::Bare,
                findings: Findings::Welcome(w),
                ..
            }) => assert!(w.new_members.is_empty(), "cut at {cut}"),
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert!(matches!(
        inspect(&extra, now()),
        Err(InspectError::NotMls { .. })
    ));
    // A deterministic stream of pseudo-random inputs (xorshift).
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for len in 0..2_000usize {
        let input: Vec<u8> = (0..len % 600)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let _ = inspect(&input, now());
    }
}

fn bin() -> Command {
    Command::cargo_bin("mls-lab").expect("binary")
}

#[test]
fn the_binary_reads_stdin_and_exits_by_verdict() {
    let good = hex::encode(framed(&make(b"bob", |b| b)));
    let out = bin()
        .args(["inspect", "-"])
        .write_stdin(good.clone())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("pass  signature"), "{text}");
    assert!(
        text.contains("OpenMLS KeyPackageIn::validate: accepted"),
        "{text}"
    );

    let trap = hex::encode(framed(&make(b"bob", |b| b.mark_as_last_resort())));
    let out = bin()
        .args(["inspect", "-"])
        .write_stdin(trap)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL  extensions in capabilities"));

    let out = bin()
        .args(["inspect", "-"])
        .write_stdin("hello there")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither hex nor base64"));

    let out = bin()
        .args(["inspect", "/no/such/file"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));

    let out = bin()
        .args(["inspect", "--json", "-"])
        .write_stdin(good)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(json["framing"], "mls_message");
    assert_eq!(json["tree"]["children"][1]["name"], "wire_format");
    assert_eq!(json["tree"]["children"][1]["offset"], 2);
}

#[test]
fn an_identity_with_control_characters_never_reaches_the_terminal_raw() {
    let made = make(b"mallory\x1b[2J\x07", |b| b);
    let out = bin()
        .args(["inspect", "-"])
        .write_stdin(framed(&made))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(!out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07));
    assert!(String::from_utf8_lossy(&out.stdout).contains("mallory\\u{1b}[2J\\u{7}"));
}

#[test]
fn an_endless_stream_fails_fast() {
    let out = bin()
        .args(["inspect", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("longer than"));
}
