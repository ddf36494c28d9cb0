//! Names checked before they reach a file path or a package manager's argv,
//! and the names a user probably meant when one names nothing (`closest`,
//! `did_you_mean`), so every "no such …" message ends the same way.

/// Tool names: lowercase, starting with a letter or digit.
pub fn is_valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.+".contains(c))
}

/// Package names that can be handed to a package manager as one argv element:
/// no shell metacharacters, no spaces, no leading dash (which would read as an option).
pub fn is_valid_package_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 214
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@/._+-:".contains(c))
}

/// The fewest candidates shown after "did you mean".
const MOST_SUGGESTED: usize = 3;

/// The names among `candidates` that `word` most likely misspells, best
/// first (at most three, ties in the candidates' order): those the fewest
/// edits away — a letter added, dropped, changed, or two swapped
/// (`pyhton` is `python`) — within a distance that grows with the word, and
/// those `word` begins (`rip` is `ripgrep`, from two letters on). Case is
/// ignored; an empty word, or one no candidate is near, gets none.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Vec<&'c str> {
    let word = word.trim().to_lowercase();
    let length = word.chars().count();
    if length == 0 {
        return Vec::new();
    }
    let within = match length {
        0..=3 => 1,
        4..=6 => 2,
        _ => 3,
    };
    let mut ranked: Vec<(usize, &str)> = Vec::new();
    for candidate in candidates {
        if candidate.is_empty() || ranked.iter().any(|(_, c)| *c == candidate) {
            continue;
        }
        let lower = candidate.to_lowercase();
        let distance = strsim::osa_distance(&word, &lower);
        let rank = if length >= 2 && lower.starts_with(&word) {
            distance.min(within)
        } else if distance <= within {
            distance
        } else {
            continue;
        };
        ranked.push((rank, candidate));
    }
    // Stable: equal ranks keep the candidates' order.
    ranked.sort_by_key(|(rank, _)| *rank);
    let best = ranked.first().map_or(0, |(rank, _)| *rank);
    ranked
        .into_iter()
        .take_while(|(rank, _)| *rank == best)
        .take(MOST_SUGGESTED)
        .map(|(_, c)| c)
        .collect()
}

/// `"; did you mean NAME?"` for the names `closest` finds (`"a or b"`,
/// `"a, b or c"`), or nothing: the ending of every message about a name
/// that names nothing.
pub fn did_you_mean<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> String {
    match closest(word, candidates).as_slice() {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [init @ .., last] => format!("; did you mean {} or {last}?", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{closest, did_you_mean};

    const TOOLS: &[&str] = &[
        "r", "rg", "ripgrep", "python", "pyright", "pytest", "ruff", "rust",
    ];

    #[test]
    fn a_misspelt_name_finds_the_name_not_a_short_neighbour() {
        assert_eq!(closest("ripgrp", TOOLS.iter().copied()), ["ripgrep"]);
        assert_eq!(closest("pyhton", TOOLS.iter().copied()), ["python"]);
        assert_eq!(closest("pyton", ["test", "python", "node"]), ["python"]);
        assert_eq!(
            closest("outdatd", ["up-to-date", "outdated", "unknown"]),
            ["outdated"]
        );
        assert_eq!(closest("agnet", ["agent", "python-dev"]), ["agent"]);
        assert_eq!(closest("tst", ["test"]), ["test"]);
    }

    #[test]
    fn short_words_take_one_edit_or_a_prefix() {
        let updaters = ["apt", "dnf", "npm", "pnpm", "pip", "pipx", "cargo"];
        assert_eq!(closest("ap", updaters), ["apt"]);
        assert_eq!(closest("npn", updaters), ["npm"]);
        assert_eq!(closest("pi", updaters), ["pip", "pipx"]);
        assert_eq!(closest("car", updaters), ["cargo"]);
        // One letter begins too much to mean anything.
        assert!(closest("z", updaters).is_empty());
    }

    #[test]
    fn case_is_ignored_and_far_names_are_not_suggested() {
        assert_eq!(closest("Python", TOOLS.iter().copied()), ["python"]);
        assert!(closest("kubectl", TOOLS.iter().copied()).is_empty());
        assert!(closest("", TOOLS.iter().copied()).is_empty());
        assert!(closest("  ", TOOLS.iter().copied()).is_empty());
    }

    #[test]
    fn at_most_three_of_the_best_in_the_candidates_order_each_once() {
        let names = ["pya", "pyb", "pyc", "pyd", "pya"];
        assert_eq!(closest("py", names), ["pya", "pyb", "pyc"]);
        assert_eq!(closest("ruf", ["ruff", "ruff"]), ["ruff"]);
    }

    #[test]
    fn the_hint_reads_the_same_everywhere() {
        assert_eq!(
            did_you_mean("ripgrp", ["ripgrep"]),
            "; did you mean ripgrep?"
        );
        assert_eq!(
            did_you_mean("pi", ["pip", "pipx"]),
            "; did you mean pip or pipx?"
        );
        assert_eq!(
            did_you_mean("py", ["pya", "pyb", "pyc"]),
            "; did you mean pya, pyb or pyc?"
        );
        assert_eq!(did_you_mean("kubectl", ["ripgrep"]), "");
    }
}
