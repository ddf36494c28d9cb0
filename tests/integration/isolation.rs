//! Probes never touch the network: a fake tool whose `--version` connects to
//! a listener on 127.0.0.1 is probed under `strace -f`; no IPv4 or IPv6
//! socket is created by toolup or any child, the listener sees no
//! connection, and the probe still reads the version. The documented
//! update-check switches reach the probe in every case.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Sandbox, record, stderr};

fn strace() -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("strace"))
        .find(|p| p.is_file())
        .expect("strace is required for this test (.ci/run installs it)")
}

/// A tool that tries to phone home during `--version`, then prints its version.
fn phoning_tool(sb: &Sandbox, port: u16) -> PathBuf {
    let seen = sb.root.join("switches.txt");
    sb.tool("tunet", &["tunet"], "");
    sb.script(
        &sb.bin,
        "tunet",
        &format!(
            "echo \"DO_NOT_TRACK=$DO_NOT_TRACK CHECKPOINT_DISABLE=$CHECKPOINT_DISABLE\" > {seen}\n\
             /bin/bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}' 2>/dev/null && echo connected >> {seen}\n\
             echo 'tunet 1.2.3'",
            seen = seen.display()
        ),
    );
    seen
}

/// Lines of an strace log that created an IPv4/IPv6 socket (a result other than -1).
fn inet_sockets(trace: &Path) -> Vec<String> {
    std::fs::read_to_string(trace)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("socket(AF_INET") && !l.contains("= -1"))
        .map(str::to_owned)
        .collect()
}

fn seccomp_available() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| s.contains("Seccomp:"))
}

#[test]
fn a_probe_that_phones_home_opens_no_socket_and_still_answers() {
    let sb = Sandbox::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = phoning_tool(&sb, port);
    // Outside toolup the tool does connect: the test can fail.
    Command::new(sb.bin.join("tunet")).output().unwrap();
    assert!(
        listener.accept().is_ok(),
        "the fake tool connects when run directly"
    );
    std::fs::remove_file(&seen).unwrap();

    let trace = sb.root.join("trace.txt");
    let inner = sb.cmd(&[]);
    let out = Command::new(strace())
        .args(["-f", "-qq", "-e", "trace=socket,connect", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_toolup"))
        .args(["--offline", "collect", "--no-cache"])
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .current_dir(&sb.root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let tool = record(&sb.snapshot(), "tunet").clone();
    assert_eq!(tool["installed"]["version"], "1.2.3", "{tool:#}");
    let switches = std::fs::read_to_string(&seen).unwrap();
    assert!(
        switches.contains("DO_NOT_TRACK=1 CHECKPOINT_DISABLE=1"),
        "the update-check switches reach the probe: {switches}"
    );
    if !seccomp_available() {
        #[allow(clippy::print_stderr)] // the test says what it could not check
        {
            eprintln!("this kernel has no seccomp: only the environment switches were checked");
        }
        return;
    }
    assert!(!switches.contains("connected"), "{switches}");
    assert_eq!(
        listener.accept().err().map(|e| e.kind()),
        Some(std::io::ErrorKind::WouldBlock),
        "the listener saw a connection"
    );
    let sockets = inet_sockets(&trace);
    assert!(
        sockets.is_empty(),
        "IPv4/IPv6 sockets were created: {sockets:#?}"
    );
    let denied = std::fs::read_to_string(&trace).unwrap_or_default();
    assert!(
        denied.contains("socket(AF_INET"),
        "the probe did try: {denied}"
    );
}
