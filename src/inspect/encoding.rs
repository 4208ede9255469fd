//! How `inspect`'s input is written: raw bytes, hex or base64, told apart by
//! their alphabet. A binary MLS encoding starts with `00 01` (the version), so it
//! never reads as text; hex is tried before base64, whose alphabet contains it.

use std::io::Read;

use base64::Engine as _;
use serde::Serialize;

use super::InspectError;

/// Inputs larger than this are refused: a Welcome for a thousand members is
/// well under it, and a stream that never ends fails fast.
pub const MAX_INPUT: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Raw,
    Hex,
    Base64,
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Raw => "raw bytes",
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
        })
    }
}

/// Reads at most [`MAX_INPUT`] bytes; more is an error, not a silent cut.
pub fn read_limited(reader: impl Read) -> Result<Vec<u8>, InspectError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InspectError::Read(e.to_string()))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(InspectError::TooLarge { limit: MAX_INPUT });
    }
    Ok(bytes)
}

/// The bytes the input stands for, and how it was written.
pub fn decode(input: &[u8]) -> Result<(Encoding, Vec<u8>), InspectError> {
    let text_like = !input.is_empty()
        && input
            .iter()
            .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if !text_like {
        return if input.is_empty() {
            Err(InspectError::Empty)
        } else {
            Ok((Encoding::Raw, input.to_vec()))
        };
    }
    let compact: Vec<u8> = input
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() {
        return Err(InspectError::Empty);
    }
    let digits = compact.strip_prefix(b"0x").unwrap_or(&compact);
    if let Ok(bytes) = hex::decode(digits) {
        return Ok((Encoding::Hex, bytes));
    }
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    for engine in engines {
        if let Ok(bytes) = engine.decode(&compact) {
            return Ok((Encoding::Base64, bytes));
        }
    }
    Err(InspectError::NotEncoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exactly the limit is read whole; one byte more is refused, not cut.
    #[test]
    fn input_up_to_the_limit_is_read_and_more_is_refused() {
        let limit = usize::try_from(MAX_INPUT).expect("the limit fits in memory");
        let at_limit = std::io::repeat(7).take(MAX_INPUT);
        assert_eq!(read_limited(at_limit).map(|b| b.len()), Ok(limit));
        let over = std::io::repeat(7).take(MAX_INPUT + 1);
        assert_eq!(
            read_limited(over),
            Err(InspectError::TooLarge { limit: MAX_INPUT })
        );
    }

    #[test]
    fn each_encoding_is_recognised_by_its_alphabet() {
        let bytes = [0x00, 0x01, 0x00, 0x05, 0xfa];
        let ok = |input: &[u8]| decode(input).ok();
        assert_eq!(ok(&bytes), Some((Encoding::Raw, bytes.to_vec())));
        assert_eq!(ok(b"0001 0005 fa\n"), Some((Encoding::Hex, bytes.to_vec())));
        assert_eq!(ok(b"0x00010005FA"), Some((Encoding::Hex, bytes.to_vec())));
        assert_eq!(ok(b"AAEABfo=\n"), Some((Encoding::Base64, bytes.to_vec())));
        assert_eq!(ok(b"AAEABfo"), Some((Encoding::Base64, bytes.to_vec())));
    }

    #[test]
    fn text_that_is_neither_and_empty_input_are_refused() {
        assert!(matches!(
            decode(b"hello, world!"),
            Err(InspectError::NotEncoded)
        ));
        assert!(matches!(decode(b""), Err(InspectError::Empty)));
        assert!(matches!(decode(b" \n\t"), Err(InspectError::Empty)));
    }

    #[test]
    fn an_endless_stream_stops_at_the_limit() {
        let endless = std::io::repeat(0);
        assert!(matches!(
            read_limited(endless),
            Err(InspectError::TooLarge { .. })
        ));
    }
}
