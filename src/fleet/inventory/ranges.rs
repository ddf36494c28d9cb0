//! Host ranges as Ansible writes them: `www[01:50].example.com` (the
//! leading zero keeps every number two wide), `db-[a:f]`, a stride
//! `[0:50:5]`, an empty start meaning 0 (`[:3]`), several ranges in one
//! name. The count is known before anything is made, so a hostile range
//! (`[0:99999999999]`) is refused without a byte spent on it.

/// `a` to `z` then `A` to `Z`, Ansible's order for letter ranges.
const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// One piece of a pattern: text, or a range's values.
enum Piece<'p> {
    Text(&'p str),
    Range(Range),
}

/// A range inside brackets.
struct Range {
    start: u64,
    end: u64,
    step: u64,
    /// Letters (indices into `LETTERS`) rather than numbers.
    letters: bool,
    /// Zero-padded to this width.
    width: usize,
}

impl Range {
    fn count(&self) -> u64 {
        (self.end - self.start) / self.step + 1
    }

    fn values(&self) -> impl Iterator<Item = String> + '_ {
        (self.start..=self.end)
            .step_by(usize::try_from(self.step).unwrap_or(usize::MAX))
            .map(|i| {
                if self.letters {
                    let i = usize::try_from(i).unwrap_or(0);
                    LETTERS[i..=i].to_owned()
                } else {
                    format!("{i:0width$}", width = self.width)
                }
            })
    }
}

/// The host names `pattern` stands for, in order: the pattern itself when
/// it has no range. More than `limit` names is an error.
pub fn expand(pattern: &str, limit: usize) -> Result<Vec<String>, String> {
    let pieces = pieces(pattern)?;
    let mut total: u64 = 1;
    for piece in &pieces {
        if let Piece::Range(range) = piece {
            total = total.saturating_mul(range.count());
        }
    }
    if total > limit as u64 {
        return Err(format!(
            "`{pattern}` stands for {} hosts, more than the {limit} allowed",
            if total == u64::MAX {
                "too many".to_owned()
            } else {
                total.to_string()
            }
        ));
    }
    let mut names = vec![String::new()];
    for piece in &pieces {
        match piece {
            Piece::Text(text) => names.iter_mut().for_each(|n| n.push_str(text)),
            Piece::Range(range) => {
                names = names
                    .iter()
                    .flat_map(|n| range.values().map(move |v| format!("{n}{v}")))
                    .collect();
            }
        }
    }
    Ok(names)
}

/// Whether `pattern` holds a range (`[`).
pub fn has_range(pattern: &str) -> bool {
    pattern.contains('[')
}

fn pieces(pattern: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            return Err(format!("`{pattern}`: a `[` without its `]`"));
        };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Range(range(&rest[open + 1..close]).map_err(
            |m| format!("`{pattern}`: [{}] {m}", &rest[open + 1..close]),
        )?));
        rest = &rest[close + 1..];
    }
    if rest.contains(']') {
        return Err(format!("`{pattern}`: a `]` without its `[`"));
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// `START:END` or `START:END:STEP` (an empty START is 0).
fn range(inside: &str) -> Result<Range, String> {
    let parts: Vec<&str> = inside.split(':').collect();
    let (start, end, step) = match parts.as_slice() {
        [start, end] => (*start, *end, "1"),
        [start, end, step] => (*start, *end, *step),
        _ => return Err("is not a range: write [START:END] or [START:END:STEP]".to_owned()),
    };
    let start = if start.is_empty() { "0" } else { start };
    if end.is_empty() {
        return Err("has no end".to_owned());
    }
    let step = number(step)
        .filter(|s| *s > 0)
        .ok_or("has a step that is not a whole number above 0")?;
    let letter = |s: &str| {
        (s.chars().count() == 1)
            .then(|| LETTERS.find(s))
            .flatten()
            .map(|i| i as u64)
    };
    let (start_value, end_value, letters, width) =
        match (letter(start), letter(end), number(start), number(end)) {
            (Some(a), Some(b), _, _) => (a, b, true, 0),
            (_, _, Some(a), Some(b)) => {
                let padded = start.len() > 1 && start.starts_with('0');
                if padded && start.len() != end.len() {
                    return Err(
                        "pads its start with zeros, so its end must be as wide (01:50, not 01:150)"
                            .to_owned(),
                    );
                }
                (a, b, false, if padded { start.len() } else { 0 })
            }
            _ => {
                return Err("is not a range: both ends numbers, or both single letters".to_owned());
            }
        };
    if start_value > end_value {
        return Err("starts after it ends".to_owned());
    }
    Ok(Range {
        start: start_value,
        end: end_value,
        step,
        letters,
        width,
    })
}

/// A whole number written in digits (at most 18 of them).
fn number(text: &str) -> Option<u64> {
    (!text.is_empty() && text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_a_range_is_itself() {
        assert_eq!(
            expand("web1.example.com", 10).unwrap(),
            ["web1.example.com"]
        );
        assert!(!has_range("web1") && has_range("web[1:2]"));
    }

    #[test]
    fn numbers_keep_their_zero_padding() {
        let names = expand("www[01:50].example.com", 100).unwrap();
        assert_eq!(names.len(), 50);
        assert_eq!(names[0], "www01.example.com");
        assert_eq!(names[8], "www09.example.com");
        assert_eq!(names[49], "www50.example.com");
        assert_eq!(expand("h[8:10]", 10).unwrap(), ["h8", "h9", "h10"]);
        assert_eq!(expand("h[:2]", 10).unwrap(), ["h0", "h1", "h2"]);
        assert_eq!(expand("h[001:003]", 10).unwrap(), ["h001", "h002", "h003"]);
    }

    #[test]
    fn letters_strides_and_several_ranges() {
        assert_eq!(
            expand("db-[a:f]", 10).unwrap(),
            ["db-a", "db-b", "db-c", "db-d", "db-e", "db-f"]
        );
        assert_eq!(expand("[y:B]", 10).unwrap(), ["y", "z", "A", "B"]);
        assert_eq!(
            expand("n[0:50:5]", 20).unwrap(),
            [
                "n0", "n5", "n10", "n15", "n20", "n25", "n30", "n35", "n40", "n45", "n50"
            ]
        );
        assert_eq!(expand("n[1:7:3]", 20).unwrap(), ["n1", "n4", "n7"]);
        assert_eq!(
            expand("r[1:2]-[a:b].x", 10).unwrap(),
            ["r1-a.x", "r1-b.x", "r2-a.x", "r2-b.x"]
        );
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        for (bad, says) in [
            ("w[1:2", "without its `]`"),
            ("w1:2]", "without its `[`"),
            ("w[12]", "is not a range"),
            ("w[1:2:3:4]", "is not a range"),
            ("w[1:]", "has no end"),
            ("w[5:1]", "starts after it ends"),
            ("w[1:5:0]", "step"),
            ("w[1:5:x]", "step"),
            ("w[01:100]", "as wide"),
            ("w[a:5]", "both ends numbers"),
            ("w[aa:bb]", "both ends numbers"),
            ("w[-1:5]", "both ends numbers"),
            ("w[1:9999999999999999999999]", "both ends numbers"),
        ] {
            let e = expand(bad, 100).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn a_range_past_the_limit_is_refused_before_it_is_made() {
        let e = expand("h[0:10000]", 10_000).unwrap_err();
        assert!(e.contains("10001 hosts"), "{e}");
        let e = expand("h[0:999999999999999999][0:999999999999999999]", 10_000).unwrap_err();
        assert!(e.contains("too many"), "{e}");
        assert_eq!(expand("h[1:10000]", 10_000).unwrap().len(), 10_000);
    }
}
