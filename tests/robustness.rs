//! Bad input of any kind gets a clear error and changes nothing.

use mls_lab::command::parse_line;
use mls_lab::engine::Engine;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any line parses or fails with a one-line usage error; it never panics.
    #[test]
    fn any_line_parses_or_gives_a_usage_error(line in ".{0,80}") {
        if let Err(error) = parse_line(&line) {
            prop_assert_eq!(error.code(), "Usage");
            prop_assert!(!error.to_string().contains('\n'));
        }
    }

    /// Lines built from the vocabulary's own words, in any order.
    #[test]
    fn vocabulary_soup_never_panics(words in proptest::collection::vec(
        prop_oneof![
            Just("bob"), Just("generate"), Just("--last-resort"), Just("publish"),
            Just("--all"), Just("claim"), Just("add"), Just("--to"), Just("expect"),
            Just("error"), Just("ds"), Just("@1"), Just("@last"), Just("3"), Just("-1"),
            Just("--suite"), Just("7"), Just("join"), Just("clients"), Just("'"), Just("#"),
        ],
        0..8,
    )) {
        let _ = parse_line(&words.join(" "));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Arbitrary bytes uploaded as a key package are refused with a typed reason and
    /// leave the DS as it was.
    #[test]
    fn arbitrary_uploads_are_refused_and_change_nothing(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        mls_message in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut engine = Engine::new();
            engine.execute_line("clients bob").await.unwrap();
            let before = engine.ds_snapshot().await.unwrap();
            let flag = if mls_message { " --mls-message" } else { "" };
            // Quoted, so that zero bytes are an empty value, not a missing one.
            let line = format!("bob publish --raw '{}'{flag}", hex::encode(&bytes));
            let error = engine.execute_line(&line).await.unwrap_err();
            assert!(
                ["Malformed", "BadSignature", "UnsupportedCiphersuite", "InvalidKeyPackage"]
                    .contains(&error.code().as_str()),
                "{error}"
            );
            assert_eq!(engine.ds_snapshot().await.unwrap(), before);
            let last = engine.events().last().unwrap();
            assert_eq!(last.kind.name(), "key_package_rejected");
        });
    }

    /// A real key package with one byte changed is never accepted as bob's.
    #[test]
    fn mutated_key_packages_are_refused(position in 0usize..300, xor in 1u8..=255) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut engine = Engine::new();
            engine.execute_line("clients bob").await.unwrap();
            engine.execute_line("bob generate").await.unwrap();
            let entry = &engine.client("bob").unwrap().inventory()[0];
            let mut bytes = mls_lab::engine::wire::encode_key_package(
                &entry.key_package,
                mls_lab::engine::KeyPackageFormat::KeyPackage,
            )
            .unwrap();
            let index = position % bytes.len();
            bytes[index] ^= xor;
            let line = format!("bob publish --raw {}", hex::encode(&bytes));
            match engine.execute_line(&line).await {
                Err(error) => assert_ne!(error.code(), "Usage", "{error}"),
                // Only a change outside the signed content could pass: there is none.
                Ok(()) => panic!("a mutated key package (byte {index}) was accepted"),
            }
            assert_eq!(engine.ds_snapshot().await.unwrap().clients["bob"].normal.len(), 0);
        });
    }
}

/// Zero bytes are an upload too: refused as malformed, nothing stored.
#[test]
fn an_empty_upload_is_malformed() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut engine = Engine::new();
        engine.execute_line("clients bob").await.unwrap();
        let before = engine.ds_snapshot().await.unwrap();
        let error = engine
            .execute_line("bob publish --raw ''")
            .await
            .unwrap_err();
        assert_eq!(error.code(), "Malformed", "{error}");
        assert_eq!(engine.ds_snapshot().await.unwrap(), before);
    });
}
