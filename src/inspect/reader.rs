//! A TLS presentation-language reader (RFC 9420 §2.1) that records where every
//! field it reads sits in the input: its byte offset and length.
//!
//! OpenMLS's own decoders (`tls_codec`) say whether bytes decode, not where each
//! field is; an inspector needs the second, so this walks the bytes itself. The
//! checks then use OpenMLS and the provider's crypto on the spans found here.
//!
//! A reader either records the [`Field`] tree (the inspector's view) or reads
//! the values alone ([`Reader::parts_only`]): the DS and every claimer run the
//! checklist on each incoming package, and the tree's names, hex and dates are
//! for people only.

use serde::Serialize;

use super::InspectError;

/// One decoded field: where it is, what it holds, and what it is made of.
///
/// In JSON (docs/inspect.schema.json) a field carries its value as data: a
/// number as a number with its `meaning` beside it, an opaque field's content
/// in full `hex` (and as `text` when it is an identity in UTF-8), a vector's
/// item `count`. The words of [`Field::value`] are for people only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Field {
    pub name: String,
    /// Byte offset of the field's first byte (its length prefix, for vectors).
    pub offset: usize,
    /// Bytes the field takes, length prefix included.
    pub len: usize,
    /// The value in words, for the text report and the TUI.
    #[serde(skip)]
    pub value: Option<String>,
    /// A number's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u64>,
    /// What a number means: its registered name, GREASE, unassigned, or a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
    /// An opaque field's content, without its length prefix, in full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
    /// An identity's content when it is UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A vector's number of items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Field>,
}

impl Field {
    /// A field with children and no value of its own.
    pub fn group(name: impl Into<String>, offset: usize, end: usize, children: Vec<Field>) -> Self {
        Field {
            name: name.into(),
            offset,
            len: end - offset,
            children,
            ..Field::default()
        }
    }

    /// Every field in the tree, depth first, with its depth (0 for `self`).
    pub fn walk(&self) -> Vec<(usize, &Field)> {
        let mut out = Vec::new();
        self.walk_into(0, &mut out);
        out
    }

    fn walk_into<'a>(&'a self, depth: usize, out: &mut Vec<(usize, &'a Field)>) {
        out.push((depth, self));
        for child in &self.children {
            child.walk_into(depth + 1, out);
        }
    }

    /// The first field named `name` in the tree, depth first.
    pub fn find(&self, name: &str) -> Option<&Field> {
        self.walk()
            .into_iter()
            .map(|(_, field)| field)
            .find(|field| field.name == name)
    }
}

/// A cursor over `bytes[pos..end]`; offsets it reports are absolute in `bytes`.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    /// Whether fields are built: false reads values and bounds alone.
    records_fields: bool,
}

impl<'a> Reader<'a> {
    /// A reader that records every field it reads.
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader {
            bytes,
            pos: 0,
            end: bytes.len(),
            records_fields: true,
        }
    }

    /// A reader that holds the same bounds and finds the same values and
    /// errors, but builds no [`Field`]: each one it returns is empty.
    pub fn parts_only(bytes: &'a [u8]) -> Self {
        Reader {
            records_fields: false,
            ..Reader::new(bytes)
        }
    }

    /// The field `build` makes when this reader records fields, else an empty
    /// one (no allocation).
    pub fn field(&self, build: impl FnOnce() -> Field) -> Field {
        if self.records_fields {
            build()
        } else {
            Field::default()
        }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.pos == self.end
    }

    /// How many bytes are left to read.
    pub fn remaining(&self) -> usize {
        self.end - self.pos
    }

    /// The input's bytes between two absolute offsets.
    pub fn span(&self, from: usize, to: usize) -> &'a [u8] {
        self.bytes.get(from..to).unwrap_or_default()
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], InspectError> {
        let left = self.end - self.pos;
        if n > left {
            return Err(InspectError::Truncated {
                offset: self.pos,
                what: what.to_string(),
                needed: n,
                left,
            });
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    pub fn u8(&mut self, name: &str) -> Result<(u8, usize), InspectError> {
        let at = self.pos;
        Ok((self.take(1, name)?[0], at))
    }

    pub fn u16(&mut self, name: &str) -> Result<(u16, usize), InspectError> {
        let at = self.pos;
        let b = self.take(2, name)?;
        Ok((u16::from_be_bytes([b[0], b[1]]), at))
    }

    pub fn u64(&mut self, name: &str) -> Result<(u64, usize), InspectError> {
        let at = self.pos;
        let b = self.take(8, name)?;
        let mut raw = [0u8; 8];
        raw.copy_from_slice(b);
        Ok((u64::from_be_bytes(raw), at))
    }

    /// A variable-size length (RFC 9420 §2.1.2): 1, 2 or 4 bytes, minimally encoded.
    fn varint(&mut self, name: &str) -> Result<usize, InspectError> {
        let at = self.pos;
        let first = self.take(1, name)?[0];
        let (size, mut value) = match first >> 6 {
            0 => (1, u32::from(first & 0x3f)),
            1 => (2, u32::from(first & 0x3f)),
            2 => (4, u32::from(first & 0x3f)),
            _ => {
                return Err(InspectError::BadLength {
                    offset: at,
                    what: name.to_string(),
                    detail: "the length prefix starts with 0b11, which MLS does not use".into(),
                })
            }
        };
        for byte in self.take(size - 1, name)? {
            value = (value << 8) | u32::from(*byte);
        }
        let minimal = match size {
            1 => true,
            2 => value > 0x3f,
            _ => value > 0x3fff,
        };
        if !minimal {
            return Err(InspectError::BadLength {
                offset: at,
                what: name.to_string(),
                detail: format!("the length {value} is not minimally encoded"),
            });
        }
        usize::try_from(value).map_err(|_| InspectError::BadLength {
            offset: at,
            what: name.to_string(),
            detail: format!("the length {value} does not fit this machine"),
        })
    }

    /// The fields `build` lists when this reader records fields, else none.
    pub fn field_list(&self, build: impl FnOnce() -> Vec<Field>) -> Vec<Field> {
        if self.records_fields {
            build()
        } else {
            Vec::new()
        }
    }

    /// `opaque name<V>`: the bytes and the field (prefix included).
    pub fn opaque(&mut self, name: &str) -> Result<(&'a [u8], Field), InspectError> {
        let at = self.pos;
        let n = self.varint(name)?;
        let data = self.take(n, name)?;
        let field = self.field(|| Field {
            name: name.to_string(),
            offset: at,
            len: self.pos - at,
            value: Some(bytes_value(data)),
            hex: Some(hex::encode(data)),
            ..Field::default()
        });
        Ok((data, field))
    }

    /// `T name<V>`: a length prefix, then items read by `item` until the length
    /// is used; more than `max` items is [`InspectError::TooMany`], found before
    /// the item after the last allowed one is read (the lab's bounds, in
    /// [`super::structure`]).
    pub fn vector<T>(
        &mut self,
        name: &str,
        max: usize,
        mut item: impl FnMut(&mut Reader<'a>) -> Result<(T, Field), InspectError>,
    ) -> Result<(Vec<T>, Field), InspectError> {
        let at = self.pos;
        let n = self.varint(name)?;
        let start = self.pos;
        self.take(n, name)?;
        let mut inner = Reader {
            bytes: self.bytes,
            pos: start,
            end: start + n,
            records_fields: self.records_fields,
        };
        let mut values = Vec::new();
        let mut children = Vec::new();
        while !inner.is_empty() {
            if values.len() == max {
                return Err(InspectError::TooMany {
                    offset: inner.pos,
                    what: name.to_string(),
                    limit: max,
                });
            }
            let (value, field) = item(&mut inner)?;
            values.push(value);
            if self.records_fields {
                children.push(field);
            }
        }
        let field = self.field(|| Field {
            value: Some(format!("{} item(s)", values.len())),
            count: Some(values.len()),
            ..Field::group(name, at, self.pos, children)
        });
        Ok((values, field))
    }
}

/// A leaf field for a number already read: its value, what it means, and both
/// in words (`shown`).
pub fn number(
    name: &str,
    offset: usize,
    len: usize,
    value: u64,
    meaning: Option<String>,
    shown: String,
) -> Field {
    Field {
        name: name.to_string(),
        offset,
        len,
        value: Some(shown),
        number: Some(value),
        meaning,
        ..Field::default()
    }
}

/// Bytes in words: their count and up to 16 of them in hex.
pub fn bytes_value(data: &[u8]) -> String {
    const SHOWN: usize = 16;
    let head = hex::encode(&data[..data.len().min(SHOWN)]);
    let more = if data.len() > SHOWN { "…" } else { "" };
    format!("{} bytes {head}{more}", data.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_follow_rfc_9420_section_2_1_2() {
        for (bytes, want) in [
            (&[0x25][..], 37),
            (&[0x7b, 0xbd][..], 15_293),
            (&[0x9d, 0x7f, 0x3e, 0x7d][..], 494_878_333),
        ] {
            assert_eq!(Reader::new(bytes).varint("n").ok(), Some(want));
        }
        // Not minimal, and the 0b11 prefix MLS leaves unused.
        for bytes in [&[0x40, 0x25][..], &[0xc0, 0, 0, 0, 0, 0, 0, 1][..]] {
            assert!(matches!(
                Reader::new(bytes).varint("n"),
                Err(InspectError::BadLength { .. })
            ));
        }
    }

    #[test]
    fn a_vector_records_each_item_at_its_own_offset() {
        // <V> of two u16: length 4, then 00 01, 00 02.
        let bytes = [0x04, 0x00, 0x01, 0x00, 0x02];
        let mut reader = Reader::new(&bytes);
        let (values, field) = reader
            .vector("suites", 8, |r| {
                let (v, at) = r.u16("suite")?;
                Ok((v, number("suite", at, 2, v.into(), None, v.to_string())))
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(values, vec![1, 2]);
        assert_eq!((field.offset, field.len), (0, 5));
        let offsets: Vec<usize> = field.children.iter().map(|c| c.offset).collect();
        assert_eq!(offsets, vec![1, 3]);
        assert!(reader.is_empty());
    }

    #[test]
    fn a_vector_with_more_items_than_its_bound_is_refused_where_the_extra_one_starts() {
        // <V> of three u16, bound 2: the third item starts at byte 5.
        let bytes = [0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03];
        let read = Reader::new(&bytes).vector("suites", 2, |r| {
            let (v, at) = r.u16("suite")?;
            Ok((v, number("suite", at, 2, v.into(), None, v.to_string())))
        });
        match read {
            Err(InspectError::TooMany {
                offset,
                what,
                limit,
            }) => assert_eq!((offset, what.as_str(), limit), (5, "suites", 2)),
            other => panic!("expected TooMany, got {other:?}"),
        }
    }

    #[test]
    fn running_out_of_bytes_says_where_and_what() {
        let mut reader = Reader::new(&[0x05, 1, 2]);
        match reader.opaque("init_key") {
            Err(InspectError::Truncated {
                offset,
                what,
                needed,
                left,
            }) => assert_eq!((offset, what.as_str(), needed, left), (1, "init_key", 5, 2)),
            other => panic!("expected Truncated, got {other:?}"),
        }
    }
}
