//! The corpus of crafted key packages (`NAME craft KIND`): for each, the three
//! verdicts of the lab agree — `inspect`'s checklist, the claimer's check and
//! the DS's publish through `import-key-package` — and agree with OpenMLS
//! (`KeyPackageIn::validate`, and `add_members` for every package the DS
//! publishes: it never hands out what the adder refuses). The table of kinds in
//! docs/exploratory-testing.md states the same outcomes and is checked here.

mod support;
use support::run;

use std::time::{Duration, UNIX_EPOCH};

use mls_lab::command::Execute as _;
use mls_lab::engine::wire::{self, KeyPackageFormat};
use mls_lab::engine::{Engine, Randomness};
use mls_lab::inspect::checks::{Judge, Policy};
use mls_lab::inspect::{inspect_with, Findings, Framing, KeyPackageFindings};

/// One crafted package: the `craft` arguments, the DS's answer at import under
/// the default policy (`ok` or an error code), and whether an OpenMLS claimer
/// accepts it.
const CORPUS: &[(&str, &str, bool)] = &[
    ("plain", "ok", true),
    ("lifetime --not-after +365d", "LifetimeTooLong", true),
    (
        "lifetime --not-after -1d --not-before -2d",
        "Expired",
        false,
    ),
    ("lifetime --not-before +1d", "NotYetValid", false),
    ("grease --at key-package", "UnsupportedExtension", false),
    ("grease --at leaf", "UnsupportedExtension", false),
    ("grease --at suites", "ok", true),
    ("grease --at extension-types", "ok", true),
    ("grease --at proposals", "ok", true),
    ("grease --at credentials", "ok", true),
    (
        "unlisted-extension --at leaf",
        "UnsupportedExtension",
        false,
    ),
    (
        "unlisted-extension --at leaf --value 0x0a0a",
        "UnsupportedExtension",
        false,
    ),
    (
        "unlisted-extension --at key-package",
        "UnsupportedExtension",
        false,
    ),
    ("unlisted-credential", "UnsupportedCredential", false),
    ("init-is-encryption-key", "InvalidKeyPackage", false),
    (
        "duplicate-extension --at key-package",
        "InvalidKeyPackage",
        false,
    ),
    ("duplicate-extension --at leaf", "InvalidKeyPackage", false),
    ("version", "InvalidKeyPackage", false),
    ("compressed-key --suite 2", "PolicyRefused", true),
    ("compressed-key --key init --suite 2", "PolicyRefused", true),
    (
        "compressed-key --key encryption --suite 2",
        "PolicyRefused",
        true,
    ),
    ("no-last-resort-capability", "UnsupportedExtension", false),
    ("plain --broken-signature", "BadSignature", false),
    ("version --broken-signature", "InvalidKeyPackage", false),
    ("grease --at leaf --broken-signature", "BadSignature", false),
];

fn findings(report: &mls_lab::inspect::Report) -> &KeyPackageFindings {
    match &report.findings {
        Findings::KeyPackage(kp) => kp,
        Findings::Welcome(_) => panic!("expected a key package"),
    }
}

/// Imports `file` as `ext` into a fresh lab and adds it to a group of alice's:
/// the DS's answer, and, when it publishes, the add must succeed.
async fn import_and_add(file: &str, suite: &str, policy: &[&str]) -> String {
    let mut away = Engine::with_randomness(Randomness::Seeded(3));
    run(&mut away, "clients alice").await;
    run(&mut away, &format!("alice create-group team {suite}")).await;
    for line in policy {
        run(&mut away, line).await;
    }
    match away
        .execute_line(&format!("import-key-package {file} --as ext"))
        .await
    {
        Err(e) => e.code().to_string(),
        Ok(()) => {
            // The DS published it: the adder's OpenMLS must take it.
            run(&mut away, "alice add ext --to team").await;
            "ok".to_string()
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn every_crafted_package_gets_the_same_verdict_from_inspect_the_claimer_and_the_ds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut home = Engine::with_randomness(Randomness::Seeded(9));
    run(&mut home, "clients bob").await;
    for (i, (args, ds_code, claimer_accepts)) in CORPUS.iter().enumerate() {
        let file = dir
            .path()
            .join(format!("kp{i}"))
            .to_string_lossy()
            .into_owned();
        run(&mut home, &format!("bob craft {args} --to {file}")).await;
        let raw = std::fs::read(&file).expect("crafted file");
        let now = home.now();
        let policy = Policy::default();
        let report = inspect_with(&raw, now, &policy).expect("inspects");
        assert_eq!(report.framing, Framing::MlsMessage);
        let kp = findings(&report);
        // inspect's claimer verdict and the claimer's own check.
        let claimer = wire::accept_key_package_at(
            &openmls_rust_crypto::RustCrypto::default(),
            &raw,
            KeyPackageFormat::MlsMessage,
            UNIX_EPOCH + Duration::from_secs(now),
        );
        assert_eq!(
            kp.refusal(Judge::Claimer).is_none(),
            *claimer_accepts,
            "{args}: {:?}",
            kp.checks
        );
        assert_eq!(claimer.is_ok(), *claimer_accepts, "{args}: {claimer:?}");
        // A signature the claimer refuses is refused in the checklist's words,
        // though OpenMLS's `validate` is what verifies it first on the way in.
        if let (Err(error), Some(refused)) = (&claimer, kp.refusal(Judge::Claimer)) {
            let signature = matches!(
                refused.rule,
                mls_lab::inspect::checks::RuleId::Signature
                    | mls_lab::inspect::checks::RuleId::LeafNodeSignature
            );
            assert!(
                !signature || error.to_string().contains(&refused.reason),
                "{args}: the claimer said {error}, the checklist {}",
                refused.reason
            );
        }
        // OpenMLS's own validation never accepts what the claimer refuses on an
        // RFC rule it checks, and never refuses what the claimer accepts.
        if *claimer_accepts {
            assert!(kp.openmls.is_ok(), "{args}: {:?}", kp.openmls);
        }
        // inspect's DS verdict and the DS itself.
        let suite = if args.contains("--suite 2") {
            "--suite 2"
        } else {
            ""
        };
        let got = import_and_add(&file, suite, &[]).await;
        assert_eq!(got, *ds_code, "{args}");
        assert_eq!(
            kp.refusal(Judge::Ds).is_none(),
            *ds_code == "ok",
            "{args}: {:?}",
            kp.checks
        );
        // What only a DS policy refuses, the lab takes once the policy allows it.
        if *claimer_accepts && *ds_code != "ok" {
            let lifted = [
                "ds policy max-lifetime off",
                "ds policy key-encoding lenient",
            ];
            assert_eq!(import_and_add(&file, suite, &lifted).await, "ok", "{args}");
        }
    }
}

/// `grease refuse`: the DS refuses a package that carries GREASE anywhere,
/// where `allow` (the default) takes it; inspect says so under either policy.
#[tokio::test(flavor = "current_thread")]
async fn the_grease_policy_decides_what_openmls_would_take() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("g").to_string_lossy().into_owned();
    let mut home = Engine::with_randomness(Randomness::Seeded(9));
    run(&mut home, "clients bob").await;
    run(
        &mut home,
        &format!("bob craft grease --at proposals --to {file}"),
    )
    .await;
    assert_eq!(import_and_add(&file, "", &[]).await, "ok");
    assert_eq!(
        import_and_add(&file, "", &["ds policy grease refuse"]).await,
        "PolicyRefused"
    );
    let raw = std::fs::read(&file).expect("file");
    let refuse = Policy {
        grease: mls_lab::inspect::checks::policy::Grease::Refuse,
        ..Policy::default()
    };
    let report = inspect_with(&raw, home.now(), &refuse).expect("inspects");
    assert!(findings(&report).refusal(Judge::Ds).is_some());
    assert!(findings(&report).refusal(Judge::Claimer).is_none());
}

/// At exactly `not_after`, OpenMLS says expired, and so do the inspector, the
/// claimer and the DS (the inspector said pass there).
#[tokio::test(flavor = "current_thread")]
async fn at_not_after_every_judge_says_expired_as_openmls_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("k").to_string_lossy().into_owned();
    let mut home = Engine::with_randomness(Randomness::Seeded(9));
    run(&mut home, "clients bob").await;
    run(
        &mut home,
        &format!("bob craft lifetime --not-after +1h --to {file}"),
    )
    .await;
    let raw = std::fs::read(&file).expect("file");
    let not_after = home.now() + 3_600;
    for (now, expired) in [(not_after - 1, false), (not_after, true)] {
        let report = inspect_with(&raw, now, &Policy::default()).expect("inspects");
        let kp = findings(&report);
        assert_eq!(kp.refusal(Judge::Ds).is_some(), expired, "at {now}");
        let claimer = wire::accept_key_package_at(
            &openmls_rust_crypto::RustCrypto::default(),
            &raw,
            KeyPackageFormat::MlsMessage,
            UNIX_EPOCH + Duration::from_secs(now),
        );
        assert_eq!(claimer.is_err(), expired, "at {now}: {claimer:?}");
        let lifetime = openmls::prelude::Lifetime::init(0, not_after)
            .validate_with_time(UNIX_EPOCH + Duration::from_secs(now));
        assert_eq!(lifetime.is_err(), expired, "OpenMLS at {now}");
    }
}

/// The docs' table of kinds names, for each, the DS's answer this corpus checks.
#[test]
fn the_docs_table_of_crafted_kinds_says_what_the_corpus_checks() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/exploratory-testing.md"
    ))
    .expect("docs");
    for (args, ds_code, _) in CORPUS {
        let row = format!("| `{args}` |");
        let cell = format!("{row} `{ds_code}`");
        assert!(
            docs.lines().any(|l| l.starts_with(&cell)),
            "docs/exploratory-testing.md has no row starting {cell}"
        );
    }
}
