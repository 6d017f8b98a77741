//! "Did you mean" suggestions by edit distance.

/// Optimal-string-alignment distance: insertions, deletions, substitutions
/// and adjacent transpositions each cost 1.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest candidate, if it is close enough to be a likely typo
/// (distance at most a third of the longer word, at least 1), ignoring `_`
/// differences first (`stacktrace` → `stack_trace`), else a likely
/// abbreviation (same first letter, letters in order: `msg` → `message`).
pub(crate) fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let squash = |s: &str| s.replace('_', "").to_ascii_lowercase();
    let word_squashed = squash(word);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let limit = (word.len().max(candidate.len()) / 3).max(1);
        let d = if squash(candidate) == word_squashed {
            0
        } else {
            match distance(word, candidate) {
                d if d <= limit => d,
                _ if abbreviates(word, candidate) => 100 + candidate.len(),
                _ => continue,
            }
        };
        if best.map_or(true, |(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `word` has 2+ letters, starts like `candidate` and its letters appear in
/// `candidate` in order.
fn abbreviates(word: &str, candidate: &str) -> bool {
    if word.len() < 2
        || word.len() >= candidate.len()
        || word.as_bytes()[0] != candidate.as_bytes()[0]
    {
        return false;
    }
    let mut rest = candidate.chars();
    word.chars().all(|c| rest.any(|d| d == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("msg", "message"), 4);
        assert_eq!(distance("methd", "method"), 1);
        assert_eq!(distance("mehtod", "method"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn suggestions() {
        let fields = ["code", "id", "message", "stack_trace", "type"];
        assert_eq!(closest("mesage", fields), Some("message"));
        assert_eq!(closest("stacktrace", fields), Some("stack_trace"));
        assert_eq!(closest("zzzzzz", fields), None);
        assert_eq!(closest("msg", fields), Some("message"));
        assert_eq!(closest("st", fields), Some("stack_trace"));
        assert_eq!(closest("ok", ["success", "failure", "unknown"]), None);
        assert_eq!(
            closest("sucess", ["success", "failure", "unknown"]),
            Some("success")
        );
    }
}
