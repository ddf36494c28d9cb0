//! Simulated hosts for the fleet tests: one real `sshd` per host, started by
//! the test on its own loopback address (127.0.0.2, .3, …) and a free port,
//! with its own host key, key-only authentication, and its own user (made
//! with `useradd`, password field `*`, removed again on drop) whose HOME is
//! inside the test's directory. Each host's sessions get a PATH of that
//! host's own `bin` (and the few commands a remote shell needs), so what a
//! host has installed is what the test put there.
//!
//! The controller side is a client key, a known_hosts naming every host's
//! key, and an ssh config (`-F`) pointing at both: the machine's own
//! `~/.ssh` is never read.
//!
//! Needs root (users, ports) and `/usr/sbin/sshd` (`.ci/run` installs
//! openssh-server); `TestFleet::start` says why and returns `None` without
//! (and fails the test under `CI=true`: `support::missing`).

#![allow(dead_code)] // the fleet and Ansible tests use the rest

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::support::write_executable;

const SSHD: &str = "/usr/sbin/sshd";

/// Commands a host's shell may use besides its own `bin` (the fleet's
/// probe and push use them; plugins name their commands by absolute path).
const HOST_COMMANDS: &[&str] = &[
    "sh",
    "uname",
    "cat",
    "mkdir",
    "chmod",
    "mv",
    "rm",
    "sha256sum",
    "sleep",
    "id",
    "test",
    "env",
    "python3",
];

static NEXT_USER: AtomicUsize = AtomicUsize::new(0);

/// One simulated host.
pub struct TestHost {
    pub name: String,
    pub user: String,
    pub home: PathBuf,
    /// First on the host's PATH: what is "installed" there.
    pub bin: PathBuf,
    pub address: String,
    pub port: u16,
    dir: PathBuf,
    sshd: Option<Child>,
}

impl TestHost {
    /// Where toolup on this host looks for Debian's `reboot-required` flag.
    pub fn reboot_flag_dir(&self) -> PathBuf {
        self.dir.join("run")
    }

    /// sshd's own log (LogLevel VERBOSE).
    pub fn sshd_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("sshd.log")).unwrap_or_default()
    }

    /// How many connections sshd accepted (authenticated) so far.
    pub fn accepted_connections(&self) -> usize {
        self.sshd_log()
            .lines()
            .filter(|l| l.contains("Accepted publickey for"))
            .count()
    }

    /// Stops this host's sshd: it becomes unreachable.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.sshd.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts this host's sshd again, on its port (the host list and
    /// known_hosts name it), and waits until it listens.
    pub fn start(&mut self) {
        if !self.try_start() {
            panic!(
                "sshd for {} did not start again:\n{}",
                self.name,
                self.sshd_log()
            );
        }
    }

    /// Starts this host's sshd the first time. A port found free may be
    /// taken by another test's sshd before this one binds it: then this
    /// sshd exits and the host moves to another port (never mistaking the
    /// other sshd's answer for its own).
    fn start_first(&mut self) {
        for _ in 0..5 {
            if self.try_start() {
                return;
            }
            let old = format!("ListenAddress {}:{}\n", self.address, self.port);
            self.port = free_port(&self.address);
            let config = self.dir.join("sshd_config");
            let text = std::fs::read_to_string(&config).unwrap();
            let new = format!("ListenAddress {}:{}\n", self.address, self.port);
            std::fs::write(&config, text.replace(&old, &new)).unwrap();
        }
        panic!("sshd for {} did not start:\n{}", self.name, self.sshd_log());
    }

    /// Starts sshd: true once its log says it listens, false when it
    /// exited (its port was taken); a panic when it does neither in 30 s.
    fn try_start(&mut self) -> bool {
        self.stop();
        let log = self.dir.join("sshd.log");
        // sshd appends to its log: this start's lines come after these.
        let before = self.sshd_log().len();
        let mut child = Command::new(SSHD)
            .arg("-D")
            .arg("-f")
            .arg(self.dir.join("sshd_config"))
            .arg("-E")
            .arg(&log)
            .stdin(Stdio::null())
            .spawn()
            .expect("start sshd");
        let listening = format!("Server listening on {} port {}", self.address, self.port);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if self
                .sshd_log()
                .get(before..)
                .is_some_and(|l| l.contains(&listening))
            {
                self.sshd = Some(child);
                return true;
            }
            if child.try_wait().unwrap().is_some() {
                return false;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "sshd for {} neither listens nor exits:\n{}",
                    self.name,
                    self.sshd_log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Gives the host this (replacing) host key and restarts its sshd, as a
    /// reinstalled machine would.
    pub fn change_host_key(&mut self) {
        let key = self.dir.join("host_key");
        let _ = std::fs::remove_file(&key);
        let _ = std::fs::remove_file(key.with_extension("pub"));
        keygen(&key);
        self.start();
    }

    /// Puts an executable script in the host's `bin`, owned by its user.
    pub fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.bin.join(name);
        write_executable(&path, &format!("#!/bin/sh\n{body}\n"));
        chown(&path, &self.user);
        path
    }

    /// Writes a file under the host's HOME (parents made), owned by its user.
    pub fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.home.join(relative);
        let mut dir = path.parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&dir).unwrap();
        while dir.starts_with(&self.home) {
            chown(&dir, &self.user);
            if !dir.pop() {
                break;
            }
        }
        std::fs::write(&path, text).unwrap();
        chown(&path, &self.user);
        path
    }

    /// Makes the host's own toolup the one built by this test run.
    pub fn install_toolup(&self, toolup: &Path) {
        let link = self.bin.join("toolup");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(toolup, &link).unwrap();
    }
}

/// Three (or more) hosts and the controller's ssh setup.
pub struct TestFleet {
    _dir: TempDir,
    pub root: PathBuf,
    pub hosts: Vec<TestHost>,
    /// `ssh -F` this: identity, known_hosts, nothing of the machine's.
    pub ssh_config: PathBuf,
    pub known_hosts: PathBuf,
    /// The toolup under test, where every host's user may run it.
    pub toolup: PathBuf,
}

impl TestFleet {
    /// Starts one sshd per name, each host with toolup installed. `None`
    /// (and a note on stderr) when this is not root or sshd is missing.
    pub fn start(names: &[&str]) -> Option<TestFleet> {
        if !Path::new(SSHD).exists() {
            crate::support::missing(&format!(
                "{SSHD} is missing: the fleet tests need it (apt-get install openssh-server)"
            ));
            return None;
        }
        if unsafe_geteuid() != 0 {
            crate::support::missing("not root: the fleet tests need root (run the tests as root)");
            return None;
        }
        std::fs::create_dir_all("/run/sshd").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let shared = root.join("shared");
        let common_bin = shared.join("bin");
        std::fs::create_dir_all(&common_bin).unwrap();
        for command in HOST_COMMANDS {
            if let Some(path) = which(command) {
                std::os::unix::fs::symlink(path, common_bin.join(command)).unwrap();
            }
        }
        let toolup = shared.join("toolup");
        std::fs::copy(env!("CARGO_BIN_EXE_toolup"), &toolup).unwrap();
        std::fs::set_permissions(&toolup, std::fs::Permissions::from_mode(0o755)).unwrap();
        for sub in ["catalog", "dpkg/info"] {
            std::fs::create_dir_all(shared.join(sub)).unwrap();
        }
        std::fs::write(shared.join("dpkg/status"), "").unwrap();

        let client = root.join("controller");
        std::fs::create_dir_all(&client).unwrap();
        let client_key = client.join("id_ed25519");
        keygen(&client_key);
        let authorized = shared.join("authorized_keys");
        std::fs::copy(client_key.with_extension("pub"), &authorized).unwrap();
        std::fs::set_permissions(&authorized, std::fs::Permissions::from_mode(0o644)).unwrap();

        let mut hosts = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let address = format!("127.0.0.{}", i + 2);
            let port = free_port(&address);
            let dir = root.join("hosts").join(name);
            let home = dir.join("home");
            let bin = home.join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            // The host's own reboot flag directory (the machine's never
            // reaches a simulated host).
            let run = dir.join("run");
            std::fs::create_dir_all(&run).unwrap();
            let user = format!(
                "tuf{}x{}",
                std::process::id(),
                NEXT_USER.fetch_add(1, Ordering::SeqCst)
            );
            let status = Command::new("useradd")
                .args(["-M", "-d"])
                .arg(&home)
                .args(["-s", "/bin/sh", "-p", "*", &user])
                .status()
                .unwrap();
            assert!(status.success(), "useradd {user}");
            let key = dir.join("host_key");
            keygen(&key);
            let path = format!("{}:{}", bin.display(), common_bin.display());
            let config = format!(
                "ListenAddress {address}:{port}\nHostKey {key}\nPidFile none\nAuthorizedKeysFile {authorized}\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n\
                 UsePAM no\nStrictModes no\nLogLevel VERBOSE\nAllowUsers {user}\nMaxStartups 100\nMaxSessions 50\n\
                 SetEnv PATH={path} TOOLUP_OFFLINE=1 TOOLUP_CATALOG={catalog} TOOLUP_DPKG_ADMINDIR={dpkg} TOOLUP_REBOOT_FLAG_DIR={run} LANG=C.UTF-8\n",
                key = key.display(),
                authorized = authorized.display(),
                catalog = shared.join("catalog").display(),
                dpkg = shared.join("dpkg").display(),
                run = run.display(),
            );
            std::fs::write(dir.join("sshd_config"), config).unwrap();
            let mut host = TestHost {
                name: (*name).to_owned(),
                user,
                home,
                bin,
                address,
                port,
                dir,
                sshd: None,
            };
            chown_tree(&host.home, &host.user);
            host.install_toolup(&toolup);
            host.start_first();
            hosts.push(host);
        }
        let known_hosts = client.join("known_hosts");
        let ssh_config = client.join("ssh_config");
        let fleet = TestFleet {
            _dir: dir,
            root,
            hosts,
            ssh_config,
            known_hosts,
            toolup,
        };
        fleet.trust_host_keys();
        std::fs::write(
            &fleet.ssh_config,
            format!(
                "Host *\n  UserKnownHostsFile {}\n  GlobalKnownHostsFile /dev/null\n  IdentityFile {}\n  IdentitiesOnly yes\n",
                fleet.known_hosts.display(),
                client_key.display()
            ),
        )
        .unwrap();
        Some(fleet)
    }

    /// Writes known_hosts with every host's current key.
    pub fn trust_host_keys(&self) {
        let mut text = String::new();
        for host in &self.hosts {
            let public = std::fs::read_to_string(host.dir.join("host_key.pub")).unwrap();
            let key: Vec<&str> = public.split_whitespace().take(2).collect();
            text.push_str(&format!(
                "[{}]:{} {}\n",
                host.address,
                host.port,
                key.join(" ")
            ));
        }
        std::fs::write(&self.known_hosts, text).unwrap();
    }

    pub fn host(&self, name: &str) -> &TestHost {
        self.hosts.iter().find(|h| h.name == name).unwrap()
    }

    pub fn host_mut(&mut self, name: &str) -> &mut TestHost {
        self.hosts.iter_mut().find(|h| h.name == name).unwrap()
    }

    /// `hosts.toml` naming every host (address, port, user), the ssh
    /// config, and `extra` TOML per host name.
    pub fn hosts_toml(&self, extra: &[(&str, &str)]) -> String {
        let mut text = format!(
            "[ssh]\nconfig = {:?}\n",
            self.ssh_config.display().to_string()
        );
        for host in &self.hosts {
            text.push_str(&format!(
                "\n[hosts.{}]\naddress = {:?}\nport = {}\nuser = {:?}\n",
                host.name, host.address, host.port, host.user
            ));
            for (name, more) in extra {
                if *name == host.name {
                    text.push_str(more);
                    text.push('\n');
                }
            }
        }
        text
    }
}

impl Drop for TestFleet {
    fn drop(&mut self) {
        for host in &mut self.hosts {
            host.stop();
            // Whatever the user still runs (a remote toolup finishing).
            let _ = Command::new("pkill")
                .args(["-KILL", "-u", &host.user])
                .status();
            let _ = Command::new("userdel").arg(&host.user).status();
        }
    }
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "toolup-test", "-f"])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn free_port(address: &str) -> u16 {
    let listener = std::net::TcpListener::bind((address, 0)).unwrap();
    listener.local_addr().unwrap().port()
}

fn which(command: &str) -> Option<PathBuf> {
    ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        .iter()
        .map(|d| Path::new(d).join(command))
        .find(|p| p.exists())
}

fn chown(path: &Path, user: &str) {
    let status = Command::new("chown")
        .arg("-h")
        .arg(format!("{user}:"))
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn chown_tree(path: &Path, user: &str) {
    let status = Command::new("chown")
        .arg("-R")
        .arg(format!("{user}:"))
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn unsafe_geteuid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

#[test]
fn three_hosts_answer_over_real_ssh_with_one_connection_each() {
    let Some(fleet) = TestFleet::start(&["h1", "h2", "h3"]) else {
        return;
    };
    for host in &fleet.hosts {
        let out = Command::new("ssh")
            .arg("-F")
            .arg(&fleet.ssh_config)
            .args([
                "-o",
                "BatchMode=yes",
                "-p",
                &host.port.to_string(),
                "-l",
                &host.user,
            ])
            .arg(&host.address)
            .arg("echo $HOME; toolup --version")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.starts_with(&host.home.display().to_string()), "{text}");
        assert!(text.contains("toolup "), "{text}");
        assert_eq!(host.accepted_connections(), 1, "{}", host.sshd_log());
    }
}
