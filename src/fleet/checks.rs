//! What each field of a host may hold, checked where it is read (in
//! `hosts.toml` and in inventories alike). A host's name, address, user
//! and identity end up as `ssh` arguments, and its toolup path in the
//! command the remote shell runs, so each is held to a charset that cannot
//! read as an option or reach a shell: nothing starts with `-`, nothing
//! holds whitespace or a control character.

use std::path::PathBuf;

use crate::config::window::Window;

/// The longest host name (a DNS name's limit).
const MAX_HOST_NAME: usize = 253;
/// The longest user name.
const MAX_USER: usize = 64;
/// The longest path toolup accepts for an identity or the remote toolup.
const MAX_PATH: usize = 4096;

/// A host's name: letters, digits and `.-_`, plus `:` and `%` for IPv6
/// addresses written as names (Ansible lists hosts by address too); not
/// starting with `-`.
pub fn host_name(name: &str) -> Result<(), String> {
    named(name, "host name", MAX_HOST_NAME, |c| {
        c.is_ascii_alphanumeric() || ".-_:%".contains(c)
    })
}

/// A group's name: letters, digits and `.-_`, not starting with `-`.
pub fn group_name(name: &str) -> Result<(), String> {
    named(name, "group name", 128, |c| {
        c.is_ascii_alphanumeric() || ".-_".contains(c)
    })
}

/// A user name: letters, digits and `.-_`, not starting with `-` or `.`.
pub fn user(name: &str) -> Result<(), String> {
    if name.starts_with('.') {
        return Err(format!("{:?} is not a user name", shown(name)));
    }
    named(name, "user name", MAX_USER, |c| {
        c.is_ascii_alphanumeric() || ".-_".contains(c)
    })
}

/// An address ssh connects to: a DNS name or an IP address; no
/// whitespace or control character, not starting with `-`.
pub fn address(text: &str) -> Result<(), String> {
    if text.is_empty()
        || text.len() > 255
        || text.starts_with('-')
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "{:?} is not an address: a host name or IP address, without spaces, not starting with `-`",
            shown(text)
        ));
    }
    Ok(())
}

/// A port from a number as written.
pub fn port(number: i64) -> Result<u16, String> {
    u16::try_from(number)
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| format!("{number} is not a port: 1 to 65535"))
}

/// A port written as text (INI values, `host:port`).
pub fn port_text(text: &str) -> Result<u16, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{:?} is not a port: 1 to 65535", shown(text)));
    }
    port(trimmed.parse::<i64>().unwrap_or(0))
}

/// A private key's path (`~/` is expanded when the fleet is loaded).
pub fn identity(text: &str) -> Result<PathBuf, String> {
    if text.is_empty() || text.len() > MAX_PATH || text.chars().any(char::is_control) {
        return Err(format!("{:?} is not a key file's path", shown(text)));
    }
    Ok(PathBuf::from(text))
}

/// The remote toolup's path: it is part of the command the remote shell
/// runs, so only letters, digits and `/._+~-`, not starting with `-`.
pub fn toolup_path(text: &str) -> Result<(), String> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._+~-".contains(c);
    if text.is_empty() || text.len() > MAX_PATH || text.starts_with('-') || !text.chars().all(safe)
    {
        return Err(format!(
            "{:?} is not a path toolup can run remotely (letters, digits and /._+~- only)",
            shown(text)
        ));
    }
    Ok(())
}

/// `approval`: "required" (true) or "none" (false).
pub fn approval(text: &str) -> Result<bool, String> {
    match text.trim() {
        "required" => Ok(true),
        "none" => Ok(false),
        other => Err(format!(
            "{:?}: expected \"required\" or \"none\"",
            shown(other)
        )),
    }
}

/// Maintenance windows, each checked; the texts as written (trimmed).
pub fn windows<S: AsRef<str>>(texts: &[S]) -> Result<Vec<String>, String> {
    texts
        .iter()
        .map(|t| Window::parse(t.as_ref()).map(|w| w.text().to_owned()))
        .collect()
}

/// Windows written in one string, comma-separated. A window's own day list
/// has commas too (`Mon,Wed 01:00-02:00`): a piece without a space is a
/// day that continues into the next piece.
pub fn split_windows(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending = String::new();
    for piece in text.split(',') {
        if !pending.is_empty() {
            pending.push(',');
        }
        pending.push_str(piece.trim());
        if pending.contains(' ') {
            out.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        out.push(pending);
    }
    out
}

/// `name` is 1 to `max` characters of `allowed`, not starting with `-`.
fn named(name: &str, what: &str, max: usize, allowed: impl Fn(char) -> bool) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("an empty {what}"));
    }
    if name.len() > max {
        return Err(format!("a {what} longer than {max} characters"));
    }
    if name.starts_with('-') || !name.chars().all(allowed) {
        return Err(format!(
            "{:?} is not a {what}: letters, digits and {} only, not starting with `-`",
            shown(name),
            if what == "host name" {
                ". - _ : %"
            } else {
                ". - _"
            }
        ));
    }
    Ok(())
}

/// A value shown in a message: control characters escaped, long ones cut.
fn shown(text: &str) -> String {
    let cut: String = text.chars().take(80).collect();
    crate::base::printer::visible(&cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_read_as_options_or_reach_a_shell_are_refused() {
        for good in ["web1", "db-2.example.com", "10.0.0.5", "fe80::1", "a_b"] {
            assert!(host_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "-oProxyCommand=x",
            "a b",
            "a\u{1b}b",
            "a;b",
            "a@b",
            "a/b",
        ] {
            assert!(host_name(bad).is_err(), "{bad:?}");
        }
        assert!(group_name("prod_eu-1").is_ok());
        assert!(group_name("a:b").is_err() && group_name("-g").is_err());
        assert!(user("deploy").is_ok() && user("first.last").is_ok());
        for bad in ["", "-l", ".x", "a b", "root;id", &"u".repeat(65)] {
            assert!(user(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn addresses_ports_and_paths_are_range_checked() {
        assert!(address("10.0.0.5").is_ok() && address("host.example").is_ok());
        for bad in ["", "-oX", "a b", "a\tb", "a\nb"] {
            assert!(address(bad).is_err(), "{bad:?}");
        }
        assert_eq!(port(22), Ok(22));
        assert_eq!(port(65535), Ok(65535));
        assert!(port(0).is_err() && port(65536).is_err() && port(-1).is_err());
        assert_eq!(port_text(" 2222 "), Ok(2222));
        assert!(port_text("22a").is_err() && port_text("").is_err());
        assert!(port_text("99999999999999999999999").is_err());
        assert!(toolup_path("/usr/local/bin/toolup").is_ok());
        assert!(toolup_path("~/.cargo/bin/toolup").is_ok());
        for bad in ["", "-x", "toolup; rm -rf /", "$(id)", "a b"] {
            assert!(toolup_path(bad).is_err(), "{bad:?}");
        }
        assert!(identity("~/.ssh/id_ed25519").is_ok() && identity("a\u{7}").is_err());
        assert_eq!(approval("required"), Ok(true));
        assert_eq!(approval("none"), Ok(false));
        assert!(approval("yes").is_err());
    }

    #[test]
    fn windows_are_checked_and_a_comma_list_keeps_day_lists_whole() {
        assert_eq!(
            split_windows("Sun 02:00-05:00, Mon,Wed 01:00-02:00,daily 03:00-04:00"),
            [
                "Sun 02:00-05:00",
                "Mon,Wed 01:00-02:00",
                "daily 03:00-04:00"
            ]
        );
        assert_eq!(
            windows(&["Sun 02:00-05:00 "]),
            Ok(vec!["Sun 02:00-05:00".to_owned()])
        );
        assert!(windows(&["Sun 25:00-26:00"]).is_err());
    }
}
