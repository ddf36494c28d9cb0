//! Secrets never reach a log line, an error or the terminal.
//!
//! Every line toolup writes to stderr — tracing's log and the printer's
//! errors, warnings and notes — passes through `scrub`, which hides
//! credentials in URLs (`user:password@`, `?token=`), `Authorization`
//! headers, `Bearer`/`Basic` credentials, GitHub token shapes, and every
//! secret toolup itself loaded (`register`), wherever they appear.

use std::borrow::Cow;
use std::sync::{LazyLock, Mutex};

use regex::Regex;

static KNOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Remembers a secret toolup holds (a token, a URL's password), so that no
/// line that carries it is ever written. Short strings are not secrets
/// worth hiding (and would hide ordinary words).
pub fn register(secret: &str) {
    let secret = secret.trim();
    if secret.len() < 6 {
        return;
    }
    let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    if !known.iter().any(|k| k == secret) {
        known.push(secret.to_owned());
    }
}

/// Remembers a URL that is a secret as a whole (a webhook: its path or
/// query is often the credential): the URL as written, the URL without
/// its `user:password@`, and the password.
pub fn register_url(url: &str) {
    register(url);
    if let Some((scheme, rest)) = url.split_once("://") {
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some((userinfo, host)) = rest[..end].rsplit_once('@') {
            register(&format!("{scheme}://{host}{}", &rest[end..]));
            if let Some((_, password)) = userinfo.split_once(':') {
                register(password);
            }
        }
    }
}

static PATTERNS: LazyLock<[(Regex, &'static str); 3]> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).unwrap_or_else(|e| unreachable!("static regex: {e}"));
    [
        // `Authorization: Bearer x`, `"authorization": "x"`, `authorization=x`.
        (
            re(r#"(?i)((?:proxy-)?authorization"?\s*[:=]\s*"?)[^"\r\n]+"#),
            "${1}***",
        ),
        (
            re(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}"),
            "${1}${2}***",
        ),
        // GitHub's token shapes: classic, OAuth, user, server, refresh, fine-grained.
        (
            re(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b"),
            "***",
        ),
    ]
});

/// `text` with every credential in it replaced by `***`.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if text.contains("://") {
        out = Cow::Owned(crate::base::redact::redact_text(&out));
    }
    for (pattern, with) in PATTERNS.iter() {
        if pattern.is_match(&out) {
            out = Cow::Owned(pattern.replace_all(&out, *with).into_owned());
        }
    }
    let known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    for secret in known.iter() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), "***"));
        }
    }
    out
}

/// tracing's writer: each event is formatted whole into a buffer, scrubbed,
/// then written to stderr.
#[derive(Debug, Default, Clone, Copy)]
pub struct ScrubbedStderr;

/// One event's bytes, written when dropped.
pub struct EventBuffer(Vec<u8>);

impl std::io::Write for EventBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventBuffer {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), scrub(&text).as_bytes());
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ScrubbedStderr {
    type Writer = EventBuffer;
    fn make_writer(&'a self) -> EventBuffer {
        EventBuffer(Vec::with_capacity(256))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_hidden_wherever_they_appear() {
        register("s3cr3t-value-42");
        for (text, hidden) in [
            (
                "GET https://bob:hunter22@mirror.example/simple/",
                "hunter22",
            ),
            ("authorization: Bearer abcdefgh12345678", "abcdefgh12345678"),
            (
                "\"Authorization\": \"Basic Ym9iOmh1bnRlcjI=\"",
                "Ym9iOmh1bnRlcjI",
            ),
            (
                "token ghp_abcdefghijklmnopqrstuvwxyz0123",
                "ghp_abcdefghijklmnopqrstuvwxyz0123",
            ),
            ("https://x.example/a?access_token=zzz9", "zzz9"),
            ("the value is s3cr3t-value-42.", "s3cr3t-value-42"),
        ] {
            let out = scrub(text);
            assert!(!out.contains(hidden), "{text} -> {out}");
            assert!(out.contains("***"), "{text} -> {out}");
        }
        register_url("https://hook:pa55-w0rd@hooks.example/T0/B0/tok3n");
        for text in [
            "posting to https://hooks.example/T0/B0/tok3n failed",
            "password pa55-w0rd",
        ] {
            assert!(!scrub(text).contains("tok3n") && !scrub(text).contains("pa55-w0rd"));
        }
        assert_eq!(
            scrub("ripgrep 14.1.0 (rev abc)"),
            "ripgrep 14.1.0 (rev abc)"
        );
    }
}
