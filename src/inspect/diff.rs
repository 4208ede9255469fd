//! `mls-lab inspect --diff A B`: the fields of two reports that differ, by
//! their path in the field tree (`KeyPackage.leaf_node.lifetime.not_after`),
//! with each side's value and offset.

use std::collections::BTreeMap;

use super::reader::Field;
use super::Report;

/// One field that differs: its path, and each side's value and offset (`None`
/// where that side has no such field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub path: String,
    pub left: Option<(usize, String)>,
    pub right: Option<(usize, String)>,
}

/// What a leaf field holds, for comparing: its number or its full hex.
fn content(field: &Field) -> String {
    match (&field.number, &field.hex, &field.value) {
        (Some(number), _, _) => match &field.meaning {
            Some(meaning) => format!("{number} ({meaning})"),
            None => number.to_string(),
        },
        (None, Some(hex), _) => hex.clone(),
        (None, None, Some(value)) => value.clone(),
        (None, None, None) => String::new(),
    }
}

/// Every leaf field by path; a repeated name under one parent gets `[i]`.
fn leaves(report: &Report) -> BTreeMap<String, (usize, String)> {
    let mut out = BTreeMap::new();
    collect(&report.tree, report.tree.name.clone(), &mut out);
    out
}

fn collect(field: &Field, path: String, out: &mut BTreeMap<String, (usize, String)>) {
    if field.children.is_empty() {
        out.insert(path, (field.offset, content(field)));
        return;
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for child in &field.children {
        let n = seen.entry(child.name.as_str()).or_default();
        let repeated = field
            .children
            .iter()
            .filter(|c| c.name == child.name)
            .count()
            > 1;
        let name = if repeated {
            format!("{}[{n}]", child.name)
        } else {
            child.name.clone()
        };
        *n += 1;
        collect(child, format!("{path}.{name}"), out);
    }
}

/// The leaf fields that differ between `left` and `right`, in path order.
pub fn differences(left: &Report, right: &Report) -> Vec<Difference> {
    let (a, b) = (leaves(left), leaves(right));
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| {
            let (l, r) = (a.get(path), b.get(path));
            let same = matches!((l, r), (Some(x), Some(y)) if x.1 == y.1);
            (!same).then(|| Difference {
                path: path.clone(),
                left: l.cloned(),
                right: r.cloned(),
            })
        })
        .collect()
}

/// The differences as text lines: one per field, `path: A → B`.
pub fn lines(differences: &[Difference]) -> Vec<String> {
    let side = |s: &Option<(usize, String)>| match s {
        Some((offset, value)) => format!("{value} (at byte {offset})"),
        None => "absent".to_string(),
    };
    if differences.is_empty() {
        return vec!["no field differs".to_string()];
    }
    let mut out = vec![format!("{} field(s) differ:", differences.len())];
    out.extend(
        differences
            .iter()
            .map(|d| format!("{}: {} → {}", d.path, side(&d.left), side(&d.right))),
    );
    out
}
