//! Secrets never reach a log line, an error, the terminal or a file.
//!
//! Everything toolup writes for people or programs passes through `scrub`:
//! the printer's output (text, tables, JSON documents and event streams,
//! see `scrub_json`), every stderr line (tracing's log and the printer's
//! errors, warnings and notes), and the files that keep what programs
//! printed. It hides credentials in URLs (`user:password@`, `?token=`),
//! `Authorization` headers, `Bearer`/`Basic` credentials, GitHub token
//! shapes, and every secret toolup itself loaded (`register`), wherever
//! they appear.

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

/// Registers the password of every URL in `text` (`scheme://user:PASSWORD@host`),
/// as written and percent-decoded, so that it is hidden even where it
/// shows without its URL.
pub fn register_url_passwords(text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        rest = &rest[at + 3..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '"' | '\''))
            .unwrap_or(rest.len());
        if let Some((userinfo, _)) = rest[..end].rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
        {
            register(password);
            register(&percent_encoding::percent_decode_str(password).decode_utf8_lossy());
        }
    }
}

/// Registers a setting's value when its name says it is a credential
/// (`token`, `api_key`, `password`, `auth`, …: one of its words), and the
/// passwords of the URLs in any value.
pub fn register_setting(key: &str, value: &str) {
    let key = key.to_ascii_lowercase();
    let words: Vec<&str> = key.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    let secret = words.iter().any(|w| {
        matches!(
            *w,
            "token"
                | "secret"
                | "password"
                | "passwd"
                | "credential"
                | "credentials"
                | "apikey"
                | "auth"
        )
    }) || words.last() == Some(&"key");
    if secret {
        register(value);
    }
    register_url_passwords(value);
}

/// Registers the secrets the environment hands toolup before it reads
/// them: the GitHub token variables, and the passwords of the addresses
/// in `TOOLUP_*_URL`. Called once, first thing, so that a secret toolup
/// never got round to using is hidden all the same.
pub fn register_environment() {
    use crate::base::env_vars;
    for key in [env_vars::GITHUB_TOKEN, env_vars::GH_TOKEN] {
        if let Ok(value) = std::env::var(key) {
            register(&value);
        }
    }
    for (key, value) in std::env::vars_os() {
        if let (Some(key), Some(value)) = (key.to_str(), value.to_str())
            && key.starts_with("TOOLUP_")
            && key.ends_with("_URL")
        {
            register_url_passwords(value);
        }
    }
}

static PATTERNS: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).unwrap_or_else(|e| unreachable!("static regex: {e}"));
    [
        // `Authorization: Bearer x`, `"authorization": "x"`, `authorization=x`:
        // the scheme (if any) and the credential, up to a space or a quote,
        // on the same line — so scrubbed text scrubs to itself, and a
        // table's next column (or line) stays.
        re(
            r#"(?i)((?:proxy-)?authorization"?[ \t]*[:=][ \t]*"?)(?:[A-Za-z][A-Za-z-]*[ \t]+)?[^\s"]+"#,
        ),
        // `Bearer x`, `Basic x`, `token x` (a Basic credential or a token
        // has a digit or base64's `+/=`: "basic calculator" is no secret).
        re(r"(?i)\b(bearer|basic|token)([ \t]+)([A-Za-z0-9._~+/=-]{8,})"),
        // GitHub's token shapes: classic, OAuth, user, server, refresh, fine-grained.
        re(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b"),
    ]
});

/// `text` with every credential in it replaced by `***`.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    if text.contains("://") {
        let redacted = crate::base::redact::redact_text(&out);
        if redacted != text {
            out = Cow::Owned(redacted);
        }
    }
    let [authorization, scheme, github] = &*PATTERNS;
    if authorization.is_match(&out) {
        out = Cow::Owned(authorization.replace_all(&out, "${1}***").into_owned());
    }
    if scheme.is_match(&out) {
        let replaced = scheme.replace_all(&out, |c: &regex::Captures<'_>| {
            let credential = &c[3];
            let is_credential = c[1].eq_ignore_ascii_case("bearer")
                || credential.contains(|ch: char| ch.is_ascii_digit() || "+/=".contains(ch));
            if is_credential {
                format!("{}{}***", &c[1], &c[2])
            } else {
                c[0].to_owned()
            }
        });
        if let Cow::Owned(replaced) = replaced {
            out = Cow::Owned(replaced);
        }
    }
    if github.is_match(&out) {
        out = Cow::Owned(github.replace_all(&out, "***").into_owned());
    }
    let known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    for secret in known.iter() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), "***"));
        }
    }
    out
}

/// A JSON text (one document, or a stream of them, pretty or not) with
/// every string in it — keys and values — decoded, scrubbed and, where that
/// changed it, written anew: the text stays valid JSON, and decodes to the
/// same values less their credentials (which escapes such as `\u0067hp_`
/// cannot hide). Anything else is copied as it is.
pub fn scrub_json(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        // Past the closing quote; quotes and backslashes are ASCII, so
        // every index here is on a character boundary.
        let end = (i + 1).min(bytes.len());
        i = end;
        let literal = &text[start..end];
        let scrubbed = match serde_json::from_str::<String>(literal) {
            Ok(value) => match scrub(&value) {
                Cow::Owned(clean) if clean != value => {
                    serde_json::to_string(&clean).unwrap_or_else(|_| "\"***\"".to_owned())
                }
                _ => continue,
            },
            // Not a JSON string (an unfinished one): scrubbed as text.
            Err(_) => match scrub(literal) {
                Cow::Owned(clean) if clean != literal => clean,
                _ => continue,
            },
        };
        out.push_str(&text[copied..start]);
        out.push_str(&scrubbed);
        copied = end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// tracing's writer: each event is formatted whole into a buffer, scrubbed,
/// its control characters escaped (`text::visible`), then written to
/// stderr. With `ansi` (tracing colours its levels and field names) colour
/// sequences — `ESC [ digits ; … m`, which can neither move the cursor nor
/// clear the screen nor reach the clipboard — are kept; every other
/// control character is shown escaped.
#[derive(Debug, Default, Clone, Copy)]
pub struct ScrubbedStderr {
    ansi: bool,
}

impl ScrubbedStderr {
    /// The writer; `ansi` as tracing's own `with_ansi`.
    pub fn new(ansi: bool) -> ScrubbedStderr {
        ScrubbedStderr { ansi }
    }
}

/// One event's bytes, written when dropped.
pub struct EventBuffer {
    bytes: Vec<u8>,
    ansi: bool,
}

impl std::io::Write for EventBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventBuffer {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.bytes);
        let line = diagnostic_line(&text, self.ansi);
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
    }
}

/// A diagnostic line as it may reach the terminal: scrubbed, every control
/// character but newline and tab escaped — colour sequences kept when `ansi`.
pub fn diagnostic_line(text: &str, ansi: bool) -> String {
    static SGR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new("\u{1b}\\[[0-9;]*m").unwrap_or_else(|e| unreachable!("static regex: {e}"))
    });
    let text = scrub(text);
    if !ansi {
        return super::text::visible(&text).into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for colour in SGR.find_iter(&text) {
        out.push_str(&super::text::visible(&text[last..colour.start()]));
        out.push_str(colour.as_str());
        last = colour.end();
    }
    out.push_str(&super::text::visible(&text[last..]));
    out
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for ScrubbedStderr {
    type Writer = EventBuffer;
    fn make_writer(&'a self) -> EventBuffer {
        EventBuffer {
            bytes: Vec::with_capacity(256),
            ansi: self.ansi,
        }
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
        assert_eq!(
            scrub("ripgrep 14.1.0 (rev abc)"),
            "ripgrep 14.1.0 (rev abc)"
        );
        // Words that follow `basic` or `token` are not credentials unless
        // they look like one.
        for plain in ["a basic calculator", "token expired", "token refreshed"] {
            assert_eq!(scrub(plain), plain);
        }
    }

    #[test]
    fn settings_named_as_credentials_are_registered() {
        register_setting("api_token", "value-of-a-token-1");
        register_setting("private_key", "value-of-a-key-22");
        register_setting("keyboard_layout", "dvorak-intl");
        register_setting("mirror", "https://u:value-of-a-pass-3@m.example/x");
        let text = "value-of-a-token-1 value-of-a-key-22 dvorak-intl value-of-a-pass-3";
        assert_eq!(scrub(text), "*** *** dvorak-intl ***");
    }

    #[test]
    fn scrubbed_text_scrubs_to_itself_and_keeps_its_columns_and_lines() {
        let row =
            " tusec  failed  Authorization: Basic Ym9iOmh1bnRlcjI=   /var/log/x.log\n\n1 pending";
        let once = scrub(row).into_owned();
        assert_eq!(
            once,
            " tusec  failed  Authorization: ***   /var/log/x.log\n\n1 pending"
        );
        assert_eq!(scrub(&once), once);
        assert_eq!(
            scrub("Authorization:\n\n1 tools"),
            "Authorization:\n\n1 tools"
        );
    }

    #[test]
    fn json_keeps_its_shape_and_loses_its_credentials() {
        register("registered-secret-99");
        let doc = serde_json::json!({
            "message": "GET https://u:p4ss@h.example/x \"Authorization\": \"Basic Ym9iOmh1bnRlcjI=\"",
            "list": ["ghp_abcdefghijklmnopqrstuvwxyz0123456789", "plain", 3],
            "registered-secret-99": {"nested": "x registered-secret-99 y"},
        });
        for text in [
            serde_json::to_string(&doc).unwrap(),
            serde_json::to_string_pretty(&doc).unwrap(),
            // An escape cannot hide a token from the scrub.
            serde_json::to_string(&doc)
                .unwrap()
                .replace("ghp_", "\\u0067hp_"),
        ] {
            let clean = scrub_json(&text);
            let value: serde_json::Value = serde_json::from_str(&clean).unwrap();
            assert_eq!(
                value["message"],
                "GET https://***@h.example/x \"Authorization\": \"***\""
            );
            assert_eq!(value["list"], serde_json::json!(["***", "plain", 3]));
            assert_eq!(value["***"]["nested"], "x *** y");
        }
        // A stream of documents, one per line, stays one per line.
        let stream = "{\"a\":\"token abc123def456\"}\n{\"b\":1}\n";
        assert_eq!(scrub_json(stream), "{\"a\":\"token ***\"}\n{\"b\":1}\n");
        let plain = "{\"a\": \"nothing here\", \"b\": [1, 2]}";
        assert!(matches!(scrub_json(plain), Cow::Borrowed(_)));
    }

    #[test]
    fn diagnostics_show_control_characters_escaped_and_keep_only_colour() {
        let line = "DEBUG probe program=/tmp/evil\u{1b}]52;c;aGk=\u{7}\u{1b}[2J/x token=ghp_abcdefghijklmnopqrstuvwxyz0123\n";
        let plain = diagnostic_line(line, false);
        assert!(
            !plain.chars().any(|c| c.is_control() && c != '\n'),
            "{plain}"
        );
        assert!(plain.ends_with("/x token=***\n"), "{plain}");
        let coloured = diagnostic_line(&format!("\u{1b}[34mDEBUG\u{1b}[0m {line}"), true);
        assert!(
            coloured.starts_with("\u{1b}[34mDEBUG\u{1b}[0m DEBUG probe"),
            "{coloured}"
        );
        assert!(coloured.contains("evil\\u{1b}]52"), "{coloured}");
        assert!(!coloured.contains("\u{1b}[2J"), "{coloured}");
    }
}
