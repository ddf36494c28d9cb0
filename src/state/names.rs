//! File names made from names toolup is given (a tool, an updater, a
//! plugin, a phase): every file named after an input is named through
//! `file_name`, so none is too long for the file system (255 bytes), has a
//! path separator, or starts with a dot or a dash — and two names never
//! share a file.

/// The longest name used as it is, in bytes: a derived file name plus the
/// words around it (`{job}.{phase}.log`) stays far below 255.
pub const MAX_PLAIN: usize = 100;

/// How much of a long or odd name is kept in front of its hash.
const KEPT: usize = 48;

/// A file name for `name`: the name itself when it is short and plain
/// (ASCII letters, digits, `-_.+`, not starting with `.` or `-`);
/// otherwise its plain characters (others made `_`) cut to 48 bytes, then
/// `~` and 16 hex digits of its SHA-256. A plain name has no `~`, so a
/// hashed name never equals one.
pub fn file_name(name: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_.+".contains(c);
    if !name.is_empty()
        && name.len() <= MAX_PLAIN
        && name.chars().all(plain)
        && !name.starts_with(['.', '-'])
    {
        return name.to_owned();
    }
    let kept: String = name
        .chars()
        .map(|c| if plain(c) { c } else { '_' })
        .take(KEPT)
        .collect::<String>()
        .trim_start_matches(['.', '-'])
        .to_owned();
    let digest = crate::base::digest::sha256_hex(name.as_bytes());
    format!("{kept}~{}", &digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_stay_and_others_are_cut_and_hashed() {
        assert_eq!(file_name("ripgrep"), "ripgrep");
        assert_eq!(file_name("g++-12.x_y"), "g++-12.x_y");
        let long = "a".repeat(300);
        let named = file_name(&long);
        assert!(named.len() <= 48 + 17, "{named}");
        assert!(named.starts_with(&"a".repeat(48)) && named.contains('~'));
        assert_ne!(
            file_name(&"a".repeat(301)),
            named,
            "names differ, so do files"
        );
        for odd in ["a/b", "../x", ".hidden", "-rf", "", "é", "a\0b", "a b"] {
            let f = file_name(odd);
            assert!(
                !f.contains(['/', '\0', ' ']) && !f.starts_with(['.', '-']) && f.contains('~'),
                "{odd:?} → {f:?}"
            );
        }
        assert_ne!(file_name("a/b"), file_name("a_b"));
        assert_eq!(file_name("a/b"), file_name("a/b"), "stable");
    }
}
