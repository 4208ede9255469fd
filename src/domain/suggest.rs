//! "Did you mean": the known names closest to a typed one (explain topics,
//! shipped scenarios), by edit distance on names with case, `-` and `_` ignored,
//! and by containment (`welcome` finds every Welcome event).

/// Lowercase with `-` and `_` dropped: `NoMatchingKeyPackage`,
/// `no-matching-key-package` and `no_matching_key_package` are one name.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// At most this many suggestions.
const MAX_SUGGESTIONS: usize = 5;

/// The topics closest to `name`, best first: those within a few edits, then those
/// that contain it. Empty when nothing is close.
pub fn closest<'a>(name: &str, topics: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted = normalize(name);
    if wanted.is_empty() {
        return Vec::new();
    }
    // A typo costs about one edit in four characters, at least two.
    let wanted_chars = wanted.chars().count();
    let allowed = (wanted_chars / 4).clamp(2, 8);
    let mut scored: Vec<(usize, &'a str)> = topics
        .filter_map(|topic| {
            let normal = normalize(topic);
            // The distance is at least the difference in length: a long input is
            // never compared edit by edit (it costs its length times the topic's).
            let distance = if wanted_chars.abs_diff(normal.chars().count()) > allowed {
                usize::MAX
            } else {
                edit_distance(&wanted, &normal)
            };
            if distance <= allowed {
                Some((distance, topic))
            } else if wanted_chars >= 3 && normal.contains(&wanted) {
                Some((allowed + 1, topic))
            } else {
                None
            }
        })
        .collect();
    scored.sort_by_key(|(distance, _)| *distance);
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, topic)| topic)
        .collect()
}

/// Levenshtein distance over chars, in one row of memory. The input is a topic the
/// user typed, so its length is bounded by the command line.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("expired", "expried"), 2);
    }

    #[test]
    fn typos_and_fragments_find_topics_best_first() {
        let topics = [
            "welcome_sent",
            "welcome_delivered",
            "Expired",
            "group_joined",
        ];
        assert_eq!(closest("Expird", topics.into_iter()), vec!["Expired"]);
        assert_eq!(
            closest("welcome", topics.into_iter()),
            vec!["welcome_sent", "welcome_delivered"]
        );
        assert!(closest("", topics.into_iter()).is_empty());
        assert!(closest("zzzzzzzz", topics.into_iter()).is_empty());
        // A huge input is refused by length, not compared edit by edit.
        let huge = "welcome_sent".repeat(10_000);
        assert!(closest(&huge, topics.into_iter()).is_empty());
        // A length difference of exactly the allowance is still compared: two
        // letters typed in the middle of a four-letter word are two edits.
        assert_eq!(closest("abcd", ["abzzcd"].into_iter()), vec!["abzzcd"]);
        assert!(closest("abcd", ["abzzzcd"].into_iter()).is_empty());
    }
}
