//! Wildcards, the one matcher toolup has: `*` any run of characters and,
//! for shell-style patterns, `?` one character (host patterns in `--limit`,
//! ssh config `Include`s); `flatpak mask`'s globs know only `*`. Matched
//! greedily, going back only to the last `*`, never recursively: time is
//! at most the product of the lengths, whatever the number of stars.

/// Whether `text` matches the shell-style `pattern` (`*` and `?`) whole.
pub fn matches(pattern: &str, text: &str) -> bool {
    wild(pattern, text, true)
}

/// Whether `text` matches `pattern`, where only `*` is special, whole.
pub fn matches_stars(pattern: &str, text: &str) -> bool {
    wild(pattern, text, false)
}

fn wild(pattern: &str, text: &str, question: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if (question && *c == '?') || *c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                // Let the last `*` take one more character.
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Whether `pattern` has a wildcard.
pub fn is_wild(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        assert!(matches("web*", "web01") && matches("web*", "web"));
        assert!(matches("*.example.com", "a.example.com"));
        assert!(matches("w?b", "web") && !matches("w?b", "weeb"));
        assert!(matches("*", "") && matches("a*b*c", "aXbYc"));
        assert!(!matches("web*", "db1") && !matches("web", "web1"));
        assert!(matches("config.d/*.conf", "config.d/a.conf"));
        let long = "a".repeat(5000);
        assert!(!matches(&format!("{}b", "*a".repeat(50)), &long));
        assert!(is_wild("a*") && is_wild("a?") && !is_wild("a"));
    }

    #[test]
    fn without_question_marks_a_question_mark_is_itself() {
        assert!(matches_stars("org.x?", "org.x?") && !matches_stars("org.x?", "org.xy"));
        assert!(matches_stars("org.*", "org.x?y") && matches("org.x?", "org.xy"));
    }
}
