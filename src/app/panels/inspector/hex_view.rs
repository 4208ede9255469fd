//! The bytes of what the inspector shows and their fields, read by `inspect`'s
//! TLS walker (the tree `mls-lab inspect` prints), flattened for the hex view.

use crate::inspect::reader::{bytes_value, Field, Reader};
use crate::inspect::structure::{key_package, message_header, welcome};

/// One field of the tree, flattened: its path, where its bytes are, its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexField {
    /// `leaf_node.capabilities.versions`.
    pub path: String,
    pub offset: usize,
    pub len: usize,
    pub value: Option<String>,
}

/// A key package's or a Welcome's bytes and fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexView {
    pub bytes: Vec<u8>,
    /// Depth first, the whole package first.
    pub fields: Vec<HexField>,
}

impl HexView {
    /// The fields of a TLS-encoded `KeyPackage`; `None` if it does not read.
    pub fn of_key_package(bytes: &[u8]) -> Option<Self> {
        let (_, tree) = key_package(&mut Reader::new(bytes)).ok()?;
        let mut fields = Vec::new();
        flatten(&tree, tree.name.clone(), true, &mut fields);
        Some(Self {
            bytes: bytes.to_vec(),
            fields,
        })
    }

    /// The fields of a Welcome in an `MLSMessage` (RFC 9420 §6), as the DS
    /// carries it: the header, then the Welcome's own fields at their offsets in
    /// the whole message; `None` if it does not read.
    pub fn of_welcome_message(bytes: &[u8]) -> Option<Self> {
        let mut reader = Reader::new(bytes);
        let (_, header) = message_header(&mut reader).ok()?;
        let (_, tree) = welcome(&mut reader).ok()?;
        let mut fields = Vec::new();
        for field in &header {
            flatten(field, field.name.clone(), false, &mut fields);
        }
        flatten(&tree, tree.name.clone(), false, &mut fields);
        Some(Self {
            bytes: bytes.to_vec(),
            fields,
        })
    }
}

/// `field` and everything under it, depth first; `path` is the field's own. The
/// root's name (`KeyPackage`) does not prefix its fields.
fn flatten(field: &Field, path: String, root: bool, out: &mut Vec<HexField>) {
    out.push(HexField {
        path: path.clone(),
        offset: field.offset,
        len: field.len,
        value: value_over_bytes(field),
    });
    for child in &field.children {
        let child_path = if root {
            child.name.clone()
        } else {
            format!("{path}.{}", child.name)
        };
        flatten(child, child_path, false, out);
    }
}

/// A field's words above its bytes: an opaque field's count of bytes without
/// their hex preview (the bytes are drawn right below, and the preview would
/// end in `…`); any other value, such as a `new_member` reference, as `inspect`
/// words it.
fn value_over_bytes(field: &Field) -> Option<String> {
    match (&field.hex, &field.value) {
        (Some(hex), Some(value))
            if hex::decode(hex).is_ok_and(|data| *value == bytes_value(&data)) =>
        {
            Some(format!("{} bytes", hex.len() / 2))
        }
        _ => field.value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_flattened_with_their_paths() {
        let tree = Field::group(
            "KeyPackage",
            0,
            4,
            vec![Field::group(
                "leaf_node",
                0,
                4,
                vec![Field::group("capabilities", 1, 3, Vec::new())],
            )],
        );
        let mut fields = Vec::new();
        flatten(&tree, tree.name.clone(), true, &mut fields);
        let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["KeyPackage", "leaf_node", "leaf_node.capabilities"]);
        assert_eq!((fields[2].offset, fields[2].len), (1, 2));
        assert_eq!(HexView::of_key_package(&[0, 1]), None);
    }
}
