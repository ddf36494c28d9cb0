//! Quoting for a POSIX shell, for the one place toolup must hand a shell a
//! command: ssh passes its command to the remote user's shell as a single
//! string, so each argument is quoted here and the shell splits it back
//! into exactly those arguments. Nothing is ever expanded: no variables,
//! globs, tildes or command substitutions survive quoting.

/// One argument as the shell must see it: as is when it holds only
/// characters no shell treats specially, else in single quotes (a single
/// quote inside becomes `'\''`). An empty argument is `''`.
pub fn quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c);
    // zsh expands a word starting with `=` to a command's path.
    if !arg.is_empty() && !arg.starts_with('=') && arg.chars().all(plain) {
        return arg.to_owned();
    }
    format!("'{}'", arg.replace('\'', r"'\''"))
}

/// The command line a shell splits back into `argv`.
pub fn join<S: AsRef<str>>(argv: &[S]) -> String {
    argv.iter()
        .map(|a| quote(a.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_and_everything_else_is_single_quoted() {
        assert_eq!(quote("system"), "system");
        assert_eq!(quote("--only=apt,npm"), "--only=apt,npm");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(reboot)"), "'$(reboot)'");
        assert_eq!(quote("~/x"), "'~/x'");
        assert_eq!(quote("=ls"), "'=ls'");
        assert_eq!(join(&["a", "b c"]), "a 'b c'");
    }

    /// What `sh -c` makes of the joined line is the argv that went in.
    #[test]
    fn the_shell_splits_the_line_back_into_the_same_arguments() {
        let argv = [
            "plain",
            "",
            "two words",
            "it's",
            "$HOME",
            "`id`",
            "a\nnewline",
            "back\\slash",
            "\"dq\"",
            "*",
            ";",
            "!x",
            "-n",
            "ünïcode",
        ];
        let script = format!("printf '%s\\0' {}", join(&argv));
        #[allow(clippy::disallowed_methods)] // a test talks to sh directly
        let out = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        let back: Vec<String> = out
            .stdout
            .split(|b| *b == 0)
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect();
        assert_eq!(&back[..argv.len()], &argv[..]);
    }
}
