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

    /// The program `name` on PATH.
    pub fn which(&self, name: &str) -> Option<PathBuf> {
        self.path
            .iter()
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
