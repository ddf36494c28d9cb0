//! The INI dialect of Python's `configparser` (what pip reads its
//! `pip.conf` with): `[section]` headers, `key = value` or `key: value`,
//! whole-line `#` and `;` comments, indented continuation lines, keys case
//! insensitive, no inline comments and no interpolation.

/// One `key = value` with the section it is in and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub section: String,
    /// Lower case, as configparser stores it.
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// Every entry, in file order.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut section = String::new();
    let mut continuing = false;
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continuing = false;
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && continuing {
            if let Some(last) = entries.last_mut() {
                if !last.value.is_empty() {
                    last.value.push('\n');
                }
                last.value.push_str(trimmed);
            }
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            section = name.trim().to_owned();
            continuing = false;
            continue;
        }
        let split = trimmed.find(['=', ':']);
        if let Some(at) = split {
            entries.push(Entry {
                section: section.clone(),
                key: trimmed[..at].trim().to_ascii_lowercase(),
                value: trimmed[at + 1..].trim().to_owned(),
                line: i + 1,
            });
            continuing = true;
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_configparser_reads() {
        let text = "# comment\n[global]\nIndex-URL = https://a.example/simple\ntimeout: 60\n\n[install]\nextra-index-url =\n    https://b.example/simple\n    https://c.example/simple\n; done\n";
        let entries = parse(text);
        assert_eq!(entries[0].section, "global");
        assert_eq!(entries[0].key, "index-url");
        assert_eq!(entries[0].value, "https://a.example/simple");
        assert_eq!(entries[0].line, 3);
        assert_eq!(entries[1].value, "60");
        assert_eq!(
            entries[2].value,
            "https://b.example/simple\nhttps://c.example/simple"
        );
        assert_eq!(entries[2].section, "install");
    }
}
