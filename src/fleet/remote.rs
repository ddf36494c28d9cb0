//! What runs on a host, as command lines for its shell: the probe (what
//! the host is and which toolup it has), the push of this toolup into the
//! remote user's cache, and the toolup command of a fleet run. Every
//! argument is quoted (`base::shell`); the only shell syntax is this
//! module's own fixed text. The remote shell must be POSIX (sh, bash,
//! dash, zsh, ksh), as for Ansible.

use crate::base::shell::{join, quote};

/// The oldest toolup whose JSON events and flags a fleet run relies on.
pub const MIN_REMOTE_VERSION: &str = "0.2.0";

/// This toolup's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where a pushed toolup lives on a host, under its user's HOME.
pub fn cache_relative() -> String {
    format!(".cache/toolup/bin/toolup-{VERSION}")
}

/// A path for the remote shell: `~/x` becomes `"$HOME"/'x'`, anything
/// else is quoted as is.
fn remote_path(path: &str) -> String {
    match path.strip_prefix("~/") {
        Some(rest) => format!("\"$HOME\"/{}", quote(rest)),
        None => quote(path),
    }
}

/// The probe: `os=`, and for the configured (or PATH's) toolup and the
/// cached one, their path, version and (cached) sha256 — one `key=value`
/// per line. It never fails: what is missing is simply not printed.
pub fn probe_command(configured: Option<&str>) -> String {
    let toolup = remote_path(configured.unwrap_or("toolup"));
    let cached = remote_path(&format!("~/{}", cache_relative()));
    format!(
        "echo \"os=$(uname -sm)\"; \
         if p=$(command -v {toolup} 2>/dev/null); then echo \"toolup=$p\"; \
         v=$(\"$p\" --version 2>/dev/null) && echo \"version=$v\"; fi; \
         c={cached}; if [ -x \"$c\" ]; then echo \"cached=$c\"; \
         s=$(sha256sum \"$c\" 2>/dev/null || shasum -a 256 \"$c\" 2>/dev/null) && echo \"cached_sha256=${{s%% *}}\"; fi; \
         exit 0"
    )
}

/// What the probe found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    /// `uname -sm`.
    pub os: String,
    /// The host's own toolup and its version (`toolup 0.2.0`).
    pub toolup: Option<String>,
    pub version: Option<String>,
    /// A toolup pushed earlier, and its sha256.
    pub cached: Option<String>,
    pub cached_sha256: Option<String>,
}

/// Reads the probe's output (untrusted: bounded, cleaned, unknown keys ignored).
pub fn parse_probe(stdout: &str) -> Probe {
    let mut probe = Probe::default();
    for line in stdout.lines().take(64) {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value: String = value
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(4096)
            .collect();
        match key.trim() {
            "os" => probe.os = value,
            "toolup" => probe.toolup = Some(value),
            "version" => probe.version = Some(value),
            "cached" => probe.cached = Some(value),
            "cached_sha256" => probe.cached_sha256 = Some(value.to_ascii_lowercase()),
            _ => {}
        }
    }
    probe
}

/// `uname -sm` of the machine this toolup was built for: what a host must
/// report for a push.
pub fn local_os() -> String {
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "Darwin",
        "freebsd" => "FreeBSD",
        other => other,
    };
    let arch = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("macos", "aarch64") => "arm64",
        (_, arch) => arch,
    };
    format!("{os} {arch}")
}

/// Whether a `toolup --version` line is at least `MIN_REMOTE_VERSION`.
pub fn new_enough(version_line: &str) -> bool {
    let Some(text) = version_line.split_whitespace().nth(1) else {
        return false;
    };
    let (Ok(have), Ok(need)) = (
        semver::Version::parse(text.trim_start_matches('v')),
        semver::Version::parse(MIN_REMOTE_VERSION),
    ) else {
        return false;
    };
    have >= need
}

/// The push: the binary arrives on stdin, is written beside its final
/// name in a private directory, checked against `sha256`, and only then
/// made executable and moved into place. Prints `pushed=PATH`.
pub fn push_command(sha256: &str) -> String {
    let dir = remote_path("~/.cache/toolup/bin");
    let name = quote(&format!("toolup-{VERSION}"));
    let want = quote(sha256);
    format!(
        "umask 077 && d={dir} && mkdir -p \"$d\" && chmod 700 \"$d\" && t=\"$d/.incoming.$$\" && \
         cat > \"$t\" && s=$(sha256sum \"$t\" 2>/dev/null || shasum -a 256 \"$t\") && \
         if [ \"${{s%% *}}\" != {want} ]; then rm -f \"$t\"; echo \"sha256 mismatch: got ${{s%% *}}\" >&2; exit 3; fi && \
         chmod 700 \"$t\" && mv -f \"$t\" \"$d\"/{name} && echo \"pushed=$d/\"{name}"
    )
}

/// How the toolup of a run is started on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteToolup {
    /// The host's own, at this path.
    Installed(String),
    /// The pushed one: its sha256 is checked again right before it runs.
    Pushed { path: String, sha256: String },
}

/// The command line that runs `toolup ARGS…` on the host.
pub fn toolup_command(toolup: &RemoteToolup, args: &[String]) -> String {
    match toolup {
        RemoteToolup::Installed(path) => format!("exec {} {}", quote(path), join(args)),
        RemoteToolup::Pushed { path, sha256 } => format!(
            "c={c}; s=$(sha256sum \"$c\" 2>/dev/null || shasum -a 256 \"$c\") && \
             if [ \"${{s%% *}}\" = {want} ]; then exec \"$c\" {args}; fi; \
             echo \"{c_text}: sha256 does not match the pushed toolup: not run\" >&2; exit 3",
            c = quote(path),
            want = quote(sha256),
            args = join(args),
            c_text = path.replace(['"', '$', '`', '\\'], "_"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_reads_keys_and_ignores_the_rest() {
        let p = parse_probe(
            "motd noise\nos=Linux x86_64\ntoolup=/usr/bin/toolup\nversion=toolup 0.2.0\nevil=\u{1b}[2J\n",
        );
        assert_eq!(p.os, "Linux x86_64");
        assert_eq!(p.toolup.as_deref(), Some("/usr/bin/toolup"));
        assert_eq!(p.version.as_deref(), Some("toolup 0.2.0"));
        assert!(p.cached.is_none());
    }

    #[test]
    fn versions_below_the_event_schema_are_too_old() {
        assert!(new_enough("toolup 0.2.0"));
        assert!(new_enough("toolup 1.0.0"));
        assert!(!new_enough("toolup 0.1.0"));
        assert!(!new_enough("toolup"));
        assert!(!new_enough("garbage"));
    }

    #[test]
    fn a_pushed_toolup_runs_only_when_its_hash_still_matches() {
        let cmd = toolup_command(
            &RemoteToolup::Pushed {
                path: "/home/u/.cache/toolup/bin/toolup-0.2.0".into(),
                sha256: "abc".into(),
            },
            &["system".into(), "check".into(), "--only=a b".into()],
        );
        assert!(
            cmd.contains("= abc ]; then exec \"$c\" system check '--only=a b'"),
            "{cmd}"
        );
        let cmd = toolup_command(&RemoteToolup::Installed("/opt/my tools/toolup".into()), &[]);
        assert!(cmd.starts_with("exec '/opt/my tools/toolup'"), "{cmd}");
    }

    /// The probe and push scripts run in a real sh: the probe finds a toolup
    /// on PATH and a cached one; the push refuses a wrong hash.
    #[test]
    #[allow(clippy::disallowed_methods)] // the test makes its fake host
    fn the_scripts_work_in_a_real_shell() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let bin = home.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let fake = bin.join("toolup");
        std::fs::write(&fake, "#!/bin/sh\necho toolup 0.2.0\n").unwrap();
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        let sh = |script: &str, stdin: &[u8]| {
            use std::io::Write;
            let mut child = std::process::Command::new("/bin/sh")
                .arg("-c")
                .arg(script)
                .env("HOME", home.path())
                .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(stdin).unwrap();
            child.wait_with_output().unwrap()
        };
        let out = sh(&probe_command(None), b"");
        let probe = parse_probe(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(probe.toolup.as_deref(), Some(fake.to_str().unwrap()));
        assert_eq!(probe.version.as_deref(), Some("toolup 0.2.0"));
        assert!(probe.os.starts_with(&local_os()), "{probe:?}");

        let binary = b"#!/bin/sh\necho pushed toolup\n";
        let out = sh(&push_command("0000"), binary);
        assert_eq!(out.status.code(), Some(3));
        assert!(String::from_utf8_lossy(&out.stderr).contains("sha256 mismatch"));
        let good = crate::base::digest::sha256_hex(binary);
        let out = sh(&push_command(&good), binary);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = sh(&probe_command(None), b"");
        let probe = parse_probe(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(probe.cached_sha256.as_deref(), Some(good.as_str()));
        let pushed = RemoteToolup::Pushed {
            path: probe.cached.clone().unwrap(),
            sha256: good,
        };
        let out = sh(&toolup_command(&pushed, &[]), b"");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "pushed toolup\n");
        let tampered = RemoteToolup::Pushed {
            path: probe.cached.unwrap(),
            sha256: "1111".into(),
        };
        let out = sh(&toolup_command(&tampered, &[]), b"");
        assert_eq!(out.status.code(), Some(3));
    }
}
