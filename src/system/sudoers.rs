//! A minimal sudoers drop-in for what `system update` runs as root: each
//! program by the absolute, canonical path `sudo -n` is given
//! (`base::privilege::program_for_root`), each command its exact argv —
//! no `*`, which in sudoers also matches options — and the security-only
//! update's package names as a regular expression that matches names and
//! nothing else; every path and word escaped for sudoers or refused; the
//! whole checked with `visudo -c` when visudo is there.

use anyhow::{Context as _, bail};

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::base::privilege::program_for_root;
use crate::settings::Settings;

/// The first sudo that reads `^…$` arguments as a regular expression.
const REGEX_SINCE: (u32, u32, u32) = (1, 9, 10);

/// `toolup system sudoers`: a minimal sudoers drop-in for the commands
/// `system update` runs as root, checked with `visudo -c` when visudo is
/// there. A command that cannot be granted exactly is left out, with a
/// warning naming its updater.
pub fn sudoers(
    settings: &Settings,
    printer: Printer,
    user: Option<&str>,
) -> anyhow::Result<String> {
    let updaters = super::selected(settings, printer, &[])?;
    let host = Host::current();
    let user = user
        .map(str::to_owned)
        .or_else(|| std::env::var("SUDO_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .context("no user: pass --user NAME")?;
    if let Err(why) = user_word(&user) {
        bail!("{:?} {why}", crate::base::printer::visible(&user));
    }
    // Asked of sudo only when a command needs it.
    let regex = std::cell::OnceCell::new();
    let mut commands: Vec<String> = Vec::new();
    for u in updaters
        .iter()
        .filter(|u| u.applies(&host) && u.needs_root())
    {
        for command in u.root_commands() {
            let line = match command.then_names {
                Some(_) if let Err(why) = regex.get_or_init(|| regex_support(&host)) => {
                    Err(format!(
                        "its security-only update is not granted: {why} to match its package names and nothing else"
                    ))
                }
                pattern => grant(&command.argv, pattern, &host.path),
            };
            match line {
                Ok(line) if !commands.contains(&line) => commands.push(line),
                Ok(_) => {}
                Err(why) => printer.warn(&format!("{}: {why}: left out", u.id())),
            }
        }
    }
    let mut text = "# toolup: what `toolup system update` runs as root, through `sudo -n`.\n# Install: toolup system sudoers > toolup.sudoers && visudo -cf toolup.sudoers \\\n#   && sudo install -m 0440 toolup.sudoers /etc/sudoers.d/toolup\n".to_owned();
    if commands.is_empty() {
        text.push_str("# nothing here needs root\n");
    } else {
        text.push_str(&format!(
            "{user} ALL=(root) NOPASSWD: {}\n",
            commands.join(", \\\n    ")
        ));
    }
    if let Some(visudo) = visudo(&host) {
        let file = crate::state::files::scratch_with(text.as_bytes())?;
        let args = [
            "-c".to_owned(),
            "-f".to_owned(),
            file.path().display().to_string(),
        ];
        let out = crate::exec::run_quick(&visudo, &args, std::time::Duration::from_secs(10))?;
        if !out.status.is_some_and(|s| s.success()) {
            bail!(
                "visudo -c rejects the drop-in: {}",
                String::from_utf8_lossy(&out.stdout).trim()
            );
        }
        printer.note("checked with visudo -c");
    }
    Ok(text)
}

/// One command of the drop-in: the program by the path `sudo -n` is given
/// (`program_for_root` through `search`), then its arguments exactly — or,
/// when names follow, one regular expression over all of them: the fixed
/// words, then one or more names matching `names`. Anything sudoers would
/// read as more than itself is escaped, or the command is refused.
pub fn grant(
    argv: &[String],
    names: Option<&str>,
    search: &[std::path::PathBuf],
) -> Result<String, String> {
    let (program, args) = argv.split_first().ok_or("an empty command")?;
    let path = program_for_root(program, search)?;
    let path = path
        .to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))?;
    let mut line = sudoers_path(path)?;
    match names {
        None if args.is_empty() => line.push_str(" \"\""),
        None => {
            for arg in args {
                line.push(' ');
                line.push_str(&sudoers_arg(arg)?);
            }
        }
        Some(pattern) => {
            let plain = |w: &str| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
            };
            if let Some(odd) = args.iter().find(|a| !plain(a)) {
                return Err(format!(
                    "{odd:?} cannot go in a regular expression as it is"
                ));
            }
            if pattern.contains(['$', '^', '#', '\\', '\n', '\r', ' ', '(', ')', '|', '*']) {
                return Err(format!("{pattern:?} is not a pattern for one name"));
            }
            let regex = if args.is_empty() {
                format!("^{pattern}( {pattern})*$")
            } else {
                format!("^{}( {pattern})+$", args.join(" "))
            };
            line.push(' ');
            line.push_str(&regex);
        }
    }
    Ok(line)
}

/// A path as sudoers reads it literally: `,` `:` `=` space and `#` escaped
/// with a backslash; a character sudoers would read as a pattern or cannot
/// escape in a path (`*` `?` `[` `]` `!` `\` `%` quotes, controls,
/// anything not ASCII) refuses it.
fn sudoers_path(path: &str) -> Result<String, String> {
    if !path.starts_with('/') || path.ends_with('/') {
        return Err(format!("{path:?} is not the absolute path of a file"));
    }
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            c if c.is_ascii_alphanumeric() || "/._+-@~".contains(c) => out.push(c),
            ',' | ':' | '=' | ' ' | '#' => {
                out.push('\\');
                out.push(c);
            }
            other => {
                return Err(format!(
                    "its path {:?} has {:?}, which a sudoers rule cannot hold literally",
                    crate::base::printer::visible(path),
                    other
                ));
            }
        }
    }
    Ok(out)
}

/// An argument as sudoers matches it literally: `,` `:` `=` space `#` and
/// `\` escaped; an empty one, one starting with `^` (a regular
/// expression), or one with a wildcard (`*` `?` `[` `]` `!`), `%`, `$`,
/// quotes, controls or anything not ASCII is refused.
fn sudoers_arg(arg: &str) -> Result<String, String> {
    if arg.is_empty() {
        return Err("an empty argument cannot be granted".to_owned());
    }
    let mut out = String::with_capacity(arg.len());
    for c in arg.chars() {
        match c {
            c if c.is_ascii_alphanumeric() || "/._+-@~".contains(c) => out.push(c),
            ',' | ':' | '=' | ' ' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            other => {
                return Err(format!(
                    "its argument {:?} has {:?}, which a sudoers rule cannot hold literally",
                    crate::base::printer::visible(arg),
                    other
                ));
            }
        }
    }
    Ok(out)
}

/// Why `user` cannot be the drop-in's user: not a plain name, or a word
/// sudoers reads as something else (`ALL`, an alias: upper-case letters,
/// digits and `_` starting with a letter).
fn user_word(user: &str) -> Result<(), &'static str> {
    let plain = !user.is_empty()
        && user.len() <= 64
        && user.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !plain {
        return Err("is not a user name");
    }
    let alias = user.starts_with(|c: char| c.is_ascii_uppercase())
        && user
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if alias {
        return Err("is a sudoers keyword or alias name, not a user name");
    }
    Ok(())
}

/// visudo, on PATH or where Debian puts it.
fn visudo(host: &Host) -> Option<std::path::PathBuf> {
    host.which("visudo").or_else(|| {
        let p = std::path::PathBuf::from("/usr/sbin/visudo");
        p.is_file().then_some(p)
    })
}

/// Whether the machine's sudo reads `^…$` arguments as a regular
/// expression (1.9.10 on); the error says what is there instead.
fn regex_support(host: &Host) -> Result<(), String> {
    let asked = [
        host.which("sudo").map(|p| (p, "Sudo version ")),
        visudo(host).map(|p| (p, "visudo version ")),
    ];
    for (program, prefix) in asked.into_iter().flatten() {
        let args = ["-V".to_owned()];
        let Ok(out) = crate::exec::run_quick(&program, &args, std::time::Duration::from_secs(10))
        else {
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let Some(version) = text.lines().find_map(|l| l.strip_prefix(prefix)) else {
            continue;
        };
        return match parse_version(version) {
            Some(v) if v >= REGEX_SINCE => Ok(()),
            _ => Err(format!(
                "sudo {} cannot (it takes {}.{}.{})",
                version.trim(),
                REGEX_SINCE.0,
                REGEX_SINCE.1,
                REGEX_SINCE.2
            )),
        };
    }
    Err("no sudo here says it can".to_owned())
}

/// `1.9.13p3` as (1, 9, 13).
fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().split('.').map(|p| {
        p.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<u32>()
            .ok()
    });
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_sudoers_would_read_as_more_are_escaped_or_refused() {
        assert_eq!(
            sudoers_path("/p, ALL, /y/plug x:=#").unwrap(),
            "/p\\,\\ ALL\\,\\ /y/plug\\ x\\:\\=\\#"
        );
        for bad in [
            "/a/*", "/a/b?", "/a/[x]", "/a/!b", "/a\\b", "/a/%b", "/a/\"b", "/a/\nb", "/a/é",
            "rel", "/dir/",
        ] {
            assert!(sudoers_path(bad).is_err(), "{bad:?}");
        }
        assert_eq!(sudoers_arg("--yes").unwrap(), "--yes");
        assert_eq!(sudoers_arg("a,b c").unwrap(), "a\\,b\\ c");
        for bad in ["", "^x$", "*", "-o*", "a!", "%x", "$x"] {
            assert!(sudoers_arg(bad).is_err(), "{bad:?}");
        }
        assert!(user_word("alice").is_ok());
        for bad in ["ALL", "ADMINS", "bob;rm", "", "a b", "%wheel", "#0", "-x"] {
            assert!(user_word(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_version("1.9.13p3"), Some((1, 9, 13)));
        assert_eq!(parse_version("1.9.5p2"), Some((1, 9, 5)));
        assert!(parse_version("1.9.5p2").unwrap() < REGEX_SINCE);
    }

    #[test]
    fn a_command_without_arguments_grants_none() {
        let line = grant(&["/bin/sh".to_owned()], None, &[]).unwrap();
        assert!(line.ends_with(" \"\""), "{line}");
        let names = grant(
            &[
                "/bin/sh".to_owned(),
                "install".to_owned(),
                "--yes".to_owned(),
            ],
            Some("[a-z0-9][a-z0-9+.-]+"),
            &[],
        )
        .unwrap();
        assert!(
            names.ends_with(" ^install --yes( [a-z0-9][a-z0-9+.-]+)+$"),
            "{names}"
        );
    }
}
