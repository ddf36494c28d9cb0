//! URLs and text fit for logs and messages: credentials in URLs hidden.

/// A URL fit for logs and messages: any `user:password@` is replaced by
/// `***@`, and query values that look like credentials by `***`.
pub fn redact(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if is_secret_name(k) => format!("{k}=***"),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    match scheme {
        Some(s) => format!("{s}://{authority}{tail}"),
        None => format!("{authority}{tail}"),
    }
}

fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "token",
        "key",
        "secret",
        "password",
        "passwd",
        "auth",
        "sig",
        "signature",
        "credential",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// `text` with every URL in it passed through `redact`.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        // The scheme starts after the last character that cannot be in
        // one, whatever its width (fuzz: `é://` cut inside the `é`).
        let start = rest[..at]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | ','))
            .map_or(rest.len(), |i| at + i);
        out.push_str(&rest[..start]);
        out.push_str(&redact(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_show() {
        assert_eq!(
            redact("https://user:s3cret@mirror.example/simple?token=abc&x=1"),
            "https://***@mirror.example/simple?token=***&x=1"
        );
        assert_eq!(
            redact_text("GET https://u:p@h.example/a failed; see http://ok.example/b"),
            "GET https://***@h.example/a failed; see http://ok.example/b"
        );
    }

    #[test]
    fn a_scheme_after_a_wide_character_is_found_whole() {
        // tests/fuzz_regressions/config/repository-after-a-wide-character
        assert_eq!(redact_text("é://u:p@h.example/x"), "é://***@h.example/x");
        assert_eq!(
            redact_text("\u{fffd}https://u:p@h.example/x \u{1F600}ftp://a:b@c/"),
            "\u{fffd}https://***@h.example/x \u{1F600}ftp://***@c/"
        );
    }
}
