//! This machine as the layers above see it: its name, its PATH, its home.

use std::path::PathBuf;

/// What an updater or a check may look at about the machine.
#[derive(Debug, Clone)]
pub struct Host {
    pub path: Vec<PathBuf>,
    pub os: &'static str,
    pub home: Option<PathBuf>,
}

impl Host {
    /// This machine.
    pub fn current() -> Host {
        Host {
            path: std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect(),
            os: std::env::consts::OS,
            home: std::env::var_os("HOME").map(PathBuf::from),
        }
    }

    /// The program `name` on PATH: its absolute entries only — a relative
    /// or empty entry names a different program in every directory toolup
    /// is started from, so toolup never runs one from there.
    pub fn which(&self, name: &str) -> Option<PathBuf> {
        self.path
            .iter()
            .filter(|d| d.is_absolute())
            .map(|d| d.join(name))
            .find(|p| super::paths::is_executable_file(p))
    }
}

/// This machine's name (`gethostname`), or `unknown`.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its full length; gethostname NUL-terminates within it on success.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "unknown".to_owned();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// A process's command line, fit for a message (escaped), or empty.
#[allow(clippy::disallowed_methods)] // /proc: the kernel's files, below `state`
pub fn command_line(pid: &str) -> String {
    let cmd = std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| {
            String::from_utf8_lossy(&b)
                .replace('\0', " ")
                .trim()
                .to_owned()
        })
        .unwrap_or_default();
    super::printer::visible(&cmd).into_owned()
}

/// glibc gives every thread that allocates its own arena, and keeps what
/// each arena once held: with sixteen lookup threads that is 4 MiB of peak
/// RSS for nothing (bench/upstream.sh). Two arenas are plenty for threads
/// that mostly wait on sockets and child processes.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// This process's peak resident set size (Linux `VmHWM`), for benchmarks.
#[allow(clippy::disallowed_methods)] // /proc: the kernel's files, below `state`
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Lowers the calling thread's CPU priority (nice 10); the threads and
/// processes it starts inherit it. For work that should yield to other
/// work running beside it.
pub fn lower_this_threads_priority() {
    // SAFETY: gettid has no preconditions; setpriority on our own thread id
    // only changes its nice value, and failure is harmless.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

#[cfg(test)]
mod which_tests {
    use super::*;

    /// A relative or empty PATH entry is never where a program is found:
    /// it would be a different program in each directory toolup runs in.
    #[test]
    #[allow(clippy::disallowed_methods)] // the test makes its fixtures
    fn relative_and_empty_path_entries_are_passed_over() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let program = dir.path().join("relbin").join("apt-get");
        std::fs::create_dir_all(program.parent().unwrap()).unwrap();
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let relative = Host {
            path: vec![PathBuf::from("relbin"), PathBuf::new()],
            os: "linux",
            home: None,
        };
        let here = std::env::current_dir().unwrap();
        std::env::set_current_dir(dir.path()).unwrap();
        let found = relative.which("apt-get");
        std::env::set_current_dir(here).unwrap();
        assert_eq!(found, None);
        let absolute = Host {
            path: vec![dir.path().join("relbin")],
            ..relative
        };
        assert_eq!(absolute.which("apt-get"), Some(program));
    }
}
