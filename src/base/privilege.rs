//! Privilege, asked and spelled in one place: whether toolup runs as root,
//! and the one way it puts `sudo` in front of a command — `sudo -n`, which
//! fails at once rather than waiting for a password nobody will type.

/// Whether this process runs as root (its effective user id is 0).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// What goes in front of a command that needs root when toolup is not root.
pub const SUDO: [&str; 2] = ["sudo", "-n"];

/// `argv` as it runs: behind `sudo -n` when it needs root and toolup is
/// not root, as it is otherwise.
pub fn as_root(argv: Vec<String>, needs_root: bool) -> Vec<String> {
    if needs_root && !is_root() {
        SUDO.iter().map(|s| (*s).to_owned()).chain(argv).collect()
    } else {
        argv
    }
}

/// `argv` with a leading `sudo -n` taken off (to check the command itself).
pub fn without_sudo(argv: &[String]) -> &[String] {
    match argv {
        [s, n, rest @ ..] if s == SUDO[0] && n == SUDO[1] => rest,
        _ => argv,
    }
}
