//! The transport: the system `ssh`, with the user's own configuration,
//! keys and known_hosts, started through `exec` like every process.
//!
//! Per host, one connection for the whole run: a master (`-M -N`) that is
//! toolup's own child — it ends with toolup, whatever ends toolup — and
//! every command of the run (probe, push, check, update) as a session
//! multiplexed over its socket (`ControlPath`), so the host authenticates
//! once. `BatchMode=yes`: nothing ever waits for a password or a host-key
//! question; host-key checking is left exactly as the user configured it,
//! so an unknown or changed key is refused and reported with its fix.
//! A master that cannot connect is tried again with backoff; one that
//! fails on a host key or on authentication is not (trying again cannot
//! help).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::hosts::FleetHost;
use crate::exec::{ProcessOutput, ProcessRequest, Stop};

/// How long ssh waits for a TCP connection, and how often the master asks
/// whether the host is still there (`ServerAliveInterval`, four misses).
const CONNECT_TIMEOUT_SECS: u32 = 15;
const ALIVE_INTERVAL_SECS: u32 = 15;

/// The ssh client and where its control sockets live.
#[derive(Debug, Clone)]
pub struct Ssh {
    program: PathBuf,
    /// `-F`: the user's chosen ssh config (hosts.toml `[ssh] config`).
    config: Option<String>,
    /// This run's private directory of control sockets.
    control_dir: PathBuf,
}

/// Why a host could not be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectError {
    /// Down, refused, timed out, no route: tried `tries` times.
    Unreachable { tries: u32, why: String },
    /// The host's key is unknown or changed: refused, with the fix.
    HostKey(String),
    /// The key was not accepted.
    Auth(String),
}

impl ConnectError {
    pub fn describe(&self) -> String {
        match self {
            ConnectError::Unreachable { tries, why } => {
                format!("unreachable after {tries} tries: {why}")
            }
            ConnectError::HostKey(why) | ConnectError::Auth(why) => why.clone(),
        }
    }
}

/// A live connection to one host: its master, and the sessions over it.
pub struct Connection<'s> {
    ssh: &'s Ssh,
    host: FleetHost,
    socket: PathBuf,
    master: Option<std::thread::JoinHandle<()>>,
    master_output: Arc<Mutex<Option<Result<ProcessOutput, String>>>>,
}

/// The retry policy of a master's connection.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub tries: u32,
    /// The wait before the second try; doubled for each one after.
    pub backoff: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            tries: 3,
            backoff: Duration::from_secs(1),
        }
    }
}

impl Ssh {
    /// The `ssh` on PATH, with `config` (`-F`) if given, its sockets in
    /// `control_dir` (made private here). Paths must be UTF-8: they are
    /// handed to ssh as text.
    pub fn new(config: Option<&Path>, control_dir: PathBuf) -> anyhow::Result<Ssh> {
        let program = crate::base::host::Host::current()
            .which("ssh")
            .ok_or_else(|| anyhow::anyhow!("no `ssh` on PATH: install the OpenSSH client"))?;
        let config = match config {
            None => None,
            Some(path) => Some(
                path.to_str()
                    .ok_or_else(|| {
                        anyhow::anyhow!("{}: the ssh config's path is not UTF-8", path.display())
                    })?
                    .to_owned(),
            ),
        };
        let control_dir = control_dir_for(control_dir)?;
        Ok(Ssh {
            program,
            config,
            control_dir,
        })
    }

    /// Options every invocation carries: never ask, the chosen config.
    fn common(&self, host: &FleetHost, socket: &Path) -> Vec<String> {
        let mut argv: Vec<String> = Vec::new();
        if let Some(config) = &self.config {
            argv.push("-F".into());
            argv.push(config.clone());
        }
        for option in [
            "BatchMode=yes".to_owned(),
            "LogLevel=ERROR".to_owned(),
            format!("ConnectTimeout={CONNECT_TIMEOUT_SECS}"),
        ] {
            argv.push("-o".into());
            argv.push(option);
        }
        argv.push("-o".into());
        argv.push(format!("ControlPath={}", socket.display()));
        if let Some(port) = host.port {
            argv.push("-p".into());
            argv.push(port.to_string());
        }
        if let Some(user) = &host.user {
            argv.push("-l".into());
            argv.push(user.clone());
        }
        if let Some(identity) = &host.identity {
            argv.push("-i".into());
            argv.push(identity.display().to_string());
        }
        argv
    }

    /// Where the host's address goes: after `--`, so no name can be an option.
    fn destination(host: &FleetHost) -> Vec<String> {
        vec![
            "--".into(),
            host.address.as_deref().unwrap_or(&host.name).into(),
        ]
    }

    /// The master's argv: connect, authenticate, hold the socket, run nothing.
    pub fn master_argv(&self, host: &FleetHost, socket: &Path) -> Vec<String> {
        let mut argv = self.common(host, socket);
        for option in [
            "ControlMaster=yes".to_owned(),
            "ControlPersist=no".to_owned(),
            format!("ServerAliveInterval={ALIVE_INTERVAL_SECS}"),
            "ServerAliveCountMax=4".to_owned(),
        ] {
            argv.push("-o".into());
            argv.push(option);
        }
        argv.extend(["-N".into(), "-T".into()]);
        argv.extend(Self::destination(host));
        argv
    }

    /// A session's argv: `remote` is one command line for the remote shell
    /// (its arguments quoted with `base::shell`), over the master's socket.
    pub fn session_argv(&self, host: &FleetHost, socket: &Path, remote: &str) -> Vec<String> {
        let mut argv = self.common(host, socket);
        argv.extend(["-o".into(), "ControlMaster=no".into(), "-T".into()]);
        argv.extend(Self::destination(host));
        argv.push(remote.into());
        argv
    }

    /// The socket of `host` in this run (its index keeps it short and unique).
    fn socket(&self, index: usize) -> PathBuf {
        self.control_dir.join(format!("h{index}"))
    }

    /// Connects to `host` (the `index`-th of the run), trying again on
    /// connection failures as `retry` says; `wait` sleeps between tries
    /// (interruptible by the caller).
    pub fn connect(
        &self,
        host: &FleetHost,
        index: usize,
        retry: Retry,
        wait: &dyn Fn(Duration) -> bool,
    ) -> Result<Connection<'_>, ConnectError> {
        let mut last = String::new();
        let mut backoff = retry.backoff;
        let tries = retry.tries.max(1);
        for attempt in 1..=tries {
            if attempt > 1 {
                if !wait(backoff) {
                    break;
                }
                backoff = backoff.saturating_mul(2);
            }
            match self.start_master(host, index) {
                Ok(connection) => return Ok(connection),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Again(why)) => last = why,
            }
        }
        Err(ConnectError::Unreachable { tries, why: last })
    }

    fn start_master(&self, host: &FleetHost, index: usize) -> Result<Connection<'_>, Failure> {
        let socket = self.socket(index);
        let _ = crate::state::files::remove_file(&socket);
        let argv = self.master_argv(host, &socket);
        let program = self.program.clone();
        let output: Arc<Mutex<Option<Result<ProcessOutput, String>>>> = Arc::new(Mutex::new(None));
        let done = Arc::clone(&output);
        let master = std::thread::spawn(move || {
            let args = argv;
            // A run may last a day; the master ends when toolup says so
            // (`-O exit`), at the second interruption, or with toolup.
            let request = ProcessRequest::query(&program, &args, Duration::from_secs(86_400))
                .stop(Stop::OnSecondInterrupt);
            let out = crate::exec::run(&request).map_err(|e| format!("cannot run ssh: {e}"));
            *done.lock().unwrap_or_else(|e| e.into_inner()) = Some(out);
        });
        let deadline = Instant::now() + Duration::from_secs(u64::from(CONNECT_TIMEOUT_SECS) * 4);
        loop {
            if socket.exists() {
                return Ok(Connection {
                    ssh: self,
                    host: host.clone(),
                    socket,
                    master: Some(master),
                    master_output: output,
                });
            }
            if master.is_finished() {
                let _ = master.join();
                let out = output.lock().unwrap_or_else(|e| e.into_inner()).take();
                return Err(match out {
                    Some(Err(why)) => Failure::Final(ConnectError::Unreachable { tries: 1, why }),
                    Some(Ok(out)) => classify(host, Some(&out)),
                    None => classify(host, None),
                });
            }
            if Instant::now() >= deadline || crate::exec::interrupt::interrupted() {
                self.stop_master(host, &socket);
                let _ = master.join();
                return Err(Failure::Again(
                    "no connection within the connect timeout".to_owned(),
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop_master(&self, host: &FleetHost, socket: &Path) {
        let mut argv = self.common(host, socket);
        argv.extend(["-O".into(), "exit".into()]);
        argv.extend(Self::destination(host));
        let request = ProcessRequest::query(&self.program, &argv, Duration::from_secs(10));
        let _ = crate::exec::run(&request);
    }
}

/// A control socket's path must fit a Unix socket address (108 bytes)
/// with room for its name, and be text: the state directory when it does,
/// else a private directory in /tmp.
fn control_dir_for(preferred: PathBuf) -> anyhow::Result<PathBuf> {
    let fits = |p: &Path| p.to_str().is_some_and(|s| s.len() <= 90);
    let dir = if fits(&preferred) {
        preferred
    } else {
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        std::env::temp_dir().join(format!("toolup-{uid}-ssh-{}", std::process::id()))
    };
    crate::state::files::ensure_private_dir(&dir)
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    Ok(dir)
}

enum Failure {
    Again(String),
    Final(ConnectError),
}

/// What ssh's exit and stderr say about a failed master.
fn classify(host: &FleetHost, out: Option<&ProcessOutput>) -> Failure {
    let stderr = out
        .map(|o| crate::base::text::clean_output(&o.stderr, &[]))
        .unwrap_or_default();
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("ssh ended without saying why")
        .trim()
        .to_owned();
    let name = &host.name;
    let address = host.address.as_deref().unwrap_or(name);
    if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
        return Failure::Final(ConnectError::HostKey(format!(
            "host key of {name} ({address}) has CHANGED: refused. If the host was reinstalled, \
             check the new key's fingerprint out of band, then `ssh-keygen -R {address}` and \
             connect once with `ssh {name}` to record it"
        )));
    }
    if stderr.contains("Host key verification failed")
        || stderr.contains("No ") && stderr.contains("host key is known")
    {
        return Failure::Final(ConnectError::HostKey(format!(
            "host key of {name} ({address}) is not known: refused. Check its fingerprint, \
             then connect once with `ssh {name}` (or add it to known_hosts) and run again"
        )));
    }
    if stderr.contains("Permission denied") || stderr.contains("Too many authentication failures") {
        return Failure::Final(ConnectError::Auth(format!(
            "{name}: the key was not accepted ({last}); check the user and identity \
             (`ssh {name}` should log in without a password)"
        )));
    }
    Failure::Again(last)
}

impl Connection<'_> {
    /// The socket's ssh argv for one remote command line.
    pub fn session_argv(&self, remote: &str) -> Vec<String> {
        self.ssh.session_argv(&self.host, &self.socket, remote)
    }

    /// The ssh program.
    pub fn program(&self) -> &Path {
        &self.ssh.program
    }

    /// True while the master still holds the connection.
    pub fn alive(&self) -> bool {
        self.master.as_ref().is_some_and(|m| !m.is_finished())
    }

    /// Why the master ended, if it did.
    pub fn lost(&self) -> Option<String> {
        let out = self.master_output.lock().unwrap_or_else(|e| e.into_inner());
        out.as_ref().map(|o| {
            let Ok(o) = o else {
                return "ssh did not start".to_owned();
            };
            let text = crate::base::text::clean_output(&o.stderr, &[]);
            let last = text.lines().rev().find(|l| !l.trim().is_empty());
            last.unwrap_or("connection closed").trim().to_owned()
        })
    }
}

impl Drop for Connection<'_> {
    /// Ends the master (`-O exit`) and waits for it.
    fn drop(&mut self) {
        if let Some(master) = self.master.take() {
            if !master.is_finished() {
                self.ssh.stop_master(&self.host, &self.socket);
            }
            let _ = master.join();
        }
        let _ = crate::state::files::remove_file(&self.socket);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> FleetHost {
        FleetHost {
            name: "web1".into(),
            address: Some("10.0.0.5".into()),
            user: Some("deploy".into()),
            port: Some(2222),
            identity: None,
            groups: vec![],
            approval_required: false,
            maintenance: vec![],
            toolup: None,
            origin: String::new(),
        }
    }

    fn ssh() -> Ssh {
        Ssh {
            program: "/usr/bin/ssh".into(),
            config: Some("/cfg".to_owned()),
            control_dir: "/run/cm".into(),
        }
    }

    fn strings(argv: &[String]) -> Vec<String> {
        argv.to_vec()
    }

    #[test]
    fn a_session_goes_over_the_masters_socket_and_never_asks() {
        let argv = strings(&ssh().session_argv(&host(), Path::new("/run/cm/h0"), "toolup x"));
        let text = argv.join(" ");
        assert!(text.starts_with("-F /cfg -o BatchMode=yes"), "{text}");
        assert!(text.contains("-o ControlPath=/run/cm/h0"), "{text}");
        assert!(text.contains("-o ControlMaster=no"), "{text}");
        assert!(text.contains("-p 2222 -l deploy"), "{text}");
        assert!(text.ends_with("-- 10.0.0.5 toolup x"), "{text}");
        assert!(!text.contains("StrictHostKeyChecking"), "{text}");
    }

    #[test]
    fn the_master_holds_the_connection_and_runs_nothing() {
        let argv = strings(&ssh().master_argv(&host(), Path::new("/run/cm/h0")));
        let text = argv.join(" ");
        assert!(text.contains("ControlMaster=yes"), "{text}");
        assert!(text.contains("ServerAliveInterval=15"), "{text}");
        assert!(text.contains("-N -T -- 10.0.0.5"), "{text}");
    }

    #[test]
    fn host_key_and_auth_failures_are_final_and_say_the_fix() {
        use std::os::unix::process::ExitStatusExt;
        let out = |stderr: &str| ProcessOutput {
            status: Some(std::process::ExitStatus::from_raw(255 << 8)),
            stdout: vec![],
            stderr: stderr.as_bytes().to_vec(),
            timed_out: false,
            truncated: false,
            elapsed: Duration::ZERO,
            interrupted: false,
            dry: false,
            usage: None,
        };
        let changed = "@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.\n";
        match classify(&host(), Some(&out(changed))) {
            Failure::Final(ConnectError::HostKey(why)) => {
                assert!(
                    why.contains("CHANGED") && why.contains("ssh-keygen -R 10.0.0.5"),
                    "{why}"
                )
            }
            _ => panic!("a changed key must be final"),
        }
        match classify(&host(), Some(&out("Host key verification failed.\n"))) {
            Failure::Final(ConnectError::HostKey(why)) => {
                assert!(why.contains("not known"), "{why}")
            }
            _ => panic!("an unknown key must be final"),
        }
        match classify(
            &host(),
            Some(&out("deploy@10.0.0.5: Permission denied (publickey).\n")),
        ) {
            Failure::Final(ConnectError::Auth(_)) => {}
            _ => panic!("a refused key must be final"),
        }
        match classify(
            &host(),
            Some(&out(
                "ssh: connect to host 10.0.0.5 port 2222: Connection refused\n",
            )),
        ) {
            Failure::Again(why) => assert!(why.contains("Connection refused"), "{why}"),
            _ => panic!("a refused connection is tried again"),
        }
    }
}
