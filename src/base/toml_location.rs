//! Where in a TOML file an error is: its line and the key written there, so
//! every bad-input message can name file, line and field.

/// The line (1-based) and key of a problem, when they can be found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub line: Option<usize>,
    pub field: Option<String>,
}

/// Locates a parse or type error from its span (or, for "missing field
/// `x`", from the field it names).
pub fn locate(text: &str, err: &toml::de::Error) -> Location {
    let mut out = Location::default();
    if let Some(span) = err.span() {
        let start = span.start.min(text.len());
        out.line = Some(text[..start].matches('\n').count() + 1);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_text = text[line_start..].lines().next().unwrap_or("");
        if let Some((key, _)) = line_text.split_once('=') {
            let key = key.trim().trim_matches('"');
            if !key.is_empty() && !key.starts_with('[') {
                out.field = Some(key.to_owned());
            }
        }
    }
    if out.field.is_none() {
        out.field = backticked(err.message());
        if let (Some(field), None) = (&out.field, out.line) {
            out.line = line_of_key(text, field);
        }
    }
    out
}

/// A parse or type error as one line: `FILE:LINE: field `KEY`: message`
/// (the line and field where they can be found).
pub fn describe(path: &std::path::Path, text: &str, err: &toml::de::Error) -> String {
    let at = locate(text, err);
    let line = at.line.map_or_else(String::new, |l| format!(":{l}"));
    let field = at
        .field
        .map_or_else(String::new, |f| format!(": field `{f}`"));
    format!("{}{line}{field}: {}", path.display(), err.message().trim())
}

/// The 1-based line where `key = …` is written, if it is.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(leaf)
                .or_else(|| line.strip_prefix(&format!("\"{leaf}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// serde names fields in backticks: "missing field `bins`".
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}
