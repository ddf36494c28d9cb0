//! Whether the machine wants a reboot: Debian's `/var/run/reboot-required`
//! (with the packages that asked, from `reboot-required.pkgs`), and on the
//! RPM family `needs-restarting -r` (exit 1 when a reboot is needed).

use std::path::PathBuf;
use std::time::Duration;

use crate::base::host::Host;
use crate::managers::CheckContext;

/// Why a reboot is needed, if it is.
pub fn required(cx: &CheckContext<'_>) -> Option<String> {
    for dir in flag_dirs() {
        let flag = dir.join("reboot-required");
        if flag.is_file() {
            let pkgs =
                crate::state::read_text(dir.join("reboot-required.pkgs"), 16 * crate::state::MIB)
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(", ");
            return Some(if pkgs.is_empty() {
                format!("{} exists", flag.display())
            } else {
                format!("{} exists (asked by {pkgs})", flag.display())
            });
        }
    }
    needs_restarting(cx)
}

/// Where Debian's flag may be: `TOOLUP_REBOOT_FLAG_DIR` alone when it is set
/// (tests, chroots: the machine's own flag must not reach them), else
/// `/var/run` and `/run`.
fn flag_dirs() -> Vec<PathBuf> {
    match std::env::var_os(crate::base::env_vars::TOOLUP_REBOOT_FLAG_DIR) {
        Some(dir) if !dir.is_empty() => vec![PathBuf::from(dir)],
        _ => vec![PathBuf::from("/var/run"), PathBuf::from("/run")],
    }
}

/// After an update: whether the machine now wants a reboot (Debian's flag
/// file; the RPM family's `needs-restarting -r`).
pub fn after_update() -> Option<String> {
    let latest = |specs: &[String]| -> Vec<Result<String, String>> {
        specs.iter().map(|_| Err("not asked".to_owned())).collect()
    };
    let host = Host::current();
    required(&CheckContext {
        host: &host,
        timeout: Duration::from_secs(30),
        latest: &latest,
    })
}

fn needs_restarting(cx: &CheckContext<'_>) -> Option<String> {
    let host: &Host = cx.host;
    host.which("needs-restarting")?;
    let quick = CheckContext {
        timeout: cx.timeout.min(Duration::from_secs(30)),
        ..*cx
    };
    let out = quick
        .run(&["needs-restarting".to_owned(), "-r".to_owned()])
        .ok()?;
    (out.code == 1).then(|| {
        let why = out.stdout.lines().next().unwrap_or("").trim().to_owned();
        format!("needs-restarting -r: {why}")
    })
}
