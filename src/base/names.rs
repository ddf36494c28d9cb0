//! Names checked before they reach a file path or a package manager's argv.

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
