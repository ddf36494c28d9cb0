//! `toolup system check --validate-only`: for each applicable
//! updater, what an update would need and whether it is there — its
//! program, root or a working `sudo -n`, free disk where it writes, its
//! manager's locks free — without changing anything.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::base::host::Host;
use crate::managers::Updater;

/// Below this much free space where an updater writes, it may fail midway.
pub const MIN_FREE_BYTES: u64 = 512 * 1024 * 1024;

/// One requirement and whether it holds.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub updater: String,
    pub need: String,
    pub ok: bool,
    pub detail: String,
}

/// Every requirement of every applicable updater.
pub fn run(updaters: &[&dyn Updater], host: &Host) -> Vec<Requirement> {
    let mut out = Vec::new();
    let root = crate::base::privilege::is_root();
    let mut sudo: Option<bool> = None;
    for u in updaters.iter().filter(|u| u.applies(host)) {
        let mut need = |what: &str, ok: bool, detail: String| {
            out.push(Requirement {
                updater: u.id().to_owned(),
                need: what.to_owned(),
                ok,
                detail,
            });
        };
        let program = u.update_argv().first().cloned().unwrap_or_default();
        match host.which(&program).or_else(|| {
            Path::new(&program)
                .is_file()
                .then(|| program.clone().into())
        }) {
            Some(p) => need("program", true, p.display().to_string()),
            None => need("program", false, format!("{program} is not on PATH")),
        }
        if u.needs_root() {
            if root {
                need("root", true, "running as root".to_owned());
            } else {
                let works = *sudo.get_or_insert_with(|| sudo_works(host));
                need(
                    "root",
                    works,
                    if works {
                        "sudo -n works".to_owned()
                    } else {
                        "needs root: run as root, or allow sudo without a password (sudo -n)"
                            .to_owned()
                    },
                );
            }
        }
        for place in u.writes(host) {
            let place = nearest_existing(&place);
            match free_bytes(&place) {
                Some(free) => need(
                    "disk",
                    free >= MIN_FREE_BYTES,
                    format!(
                        "{} free at {}",
                        crate::base::text::human_bytes(free),
                        place.display()
                    ),
                ),
                None => need(
                    "disk",
                    false,
                    format!("cannot read free space at {}", place.display()),
                ),
            }
        }
        for lock in u.lock_files() {
            let (ok, detail) = lock.state();
            need("lock", ok, detail);
        }
    }
    out
}

fn nearest_existing(path: &Path) -> std::path::PathBuf {
    path.ancestors()
        .find(|p| p.exists())
        .unwrap_or(Path::new("/"))
        .to_path_buf()
}

fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the zeroed struct we pass for a valid C string.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    #[allow(clippy::useless_conversion)] // u64 here; narrower on 32-bit targets
    let free = (unsafe { libc::statvfs(c.as_ptr(), &mut stat) } == 0)
        .then(|| u64::from(stat.f_bavail) * u64::from(stat.f_frsize));
    free
}

/// Whether `sudo -n true` runs: root without a password, now.
pub fn sudo_works(host: &Host) -> bool {
    let Some(sudo) = host.which("sudo") else {
        return false;
    };
    let args = ["-n".to_owned(), "true".to_owned()];
    crate::exec::run_quick(&sudo, &args, Duration::from_secs(5))
        .is_ok_and(|o| o.status.is_some_and(|s| s.success()))
}
