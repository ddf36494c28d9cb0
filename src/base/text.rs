//! Text from programs made readable: lossy UTF-8, terminal escapes and
//! carriage returns removed, control characters shown as escapes; sizes
//! for people.

/// Decodes both streams (stdout first), strips terminal escapes and carriage returns.
pub fn clean_output(stdout: &[u8], stderr: &[u8]) -> String {
    let mut text = String::with_capacity(stdout.len() + stderr.len() + 1);
    for (i, stream) in [stdout, stderr].into_iter().enumerate() {
        if stream.is_empty() {
            continue;
        }
        if i == 1 && !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&strip_ansi(&String::from_utf8_lossy(stream)));
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Removes CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`) and two-byte escapes.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `64 MiB`, `512 KiB`, `300 B`.
pub fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 => format!("{} KiB", n >> 10),
        n => format!("{n} B"),
    }
}

/// `text` with control characters (C0 and C1: ESC, CSI, OSC, `\r`,
/// backspace, DEL) and bidirectional overrides shown as `\u{…}` escapes, so
/// text from files, tools or servers can neither drive the terminal nor
/// reorder what is shown; newlines and tabs stay.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    replace_hidden(text, |c| c.escape_unicode().to_string())
}

/// A JSON text with every `hidden` character written as a `\uXXXX` escape
/// (they can only occur inside strings, where that escape means the same).
pub fn json_safe(text: &str) -> std::borrow::Cow<'_, str> {
    replace_hidden(text, |c| format!("\\u{:04x}", u32::from(c)))
}

/// `text` with each `hidden` character replaced by `with(c)`.
fn replace_hidden(text: &str, with: impl Fn(char) -> String) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| if hidden(c) { with(c) } else { c.to_string() })
            .collect(),
    )
}

/// A character that must not reach a terminal as itself.
pub fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_and_non_utf8_are_cleaned() {
        let out = clean_output(b"\x1b[1;32mtool\x1b[0m \xff\xfe 1.2.3\r\n", b"");
        assert_eq!(out, "tool \u{fffd}\u{fffd} 1.2.3\n");
        let osc = clean_output(b"\x1b]8;;http://x\x07link\x1b]8;;\x1b\\ 2.0.1", b"");
        assert_eq!(osc, "link 2.0.1");
    }

    #[test]
    fn stderr_follows_stdout() {
        assert_eq!(clean_output(b"a", b"b\n"), "a\nb\n");
        assert_eq!(
            clean_output(b"", b"openjdk version \"17.0.15\"\n"),
            "openjdk version \"17.0.15\"\n"
        );
    }
}
