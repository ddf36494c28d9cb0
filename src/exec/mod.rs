//! The only door to processes: every subprocess toolup starts goes through here.
//!
//! Rules (DESIGN.md, "Process and network rules"): argv only, never a shell;
//! stdin closed; a fresh process group so a timeout kills the program *and*
//! whatever it started; bounded capture of stdout and stderr, read together
//! with `poll(2)` so neither pipe can fill up and stall the child; and
//! nothing it started outlives it or toolup (`descendants`).

mod descendants;
pub mod interrupt;
mod isolate;

pub use descendants::{Group, Lineage, MARK_VAR, end_lineage, noting_groups};
pub use isolate::NO_PHONE_HOME;

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How to run one program: made by one of the three constructors for the
/// three kinds of process toolup starts (`probe`, `query`, `change`), then
/// adjusted where a caller needs more (`env`, `capture`, `cwd`, `stop`,
/// `background`, `on_stderr_line`).
#[derive(Clone)]
pub struct ProcessRequest<'a> {
    program: &'a Path,
    args: &'a [String],
    timeout: Duration,
    /// Bytes kept per stream; the rest is drained and dropped.
    max_capture: usize,
    /// Extra environment on top of the inherited one.
    env: &'a [(&'a str, &'a str)],
    /// The working directory (default: toolup's own).
    cwd: Option<&'a Path>,
    /// Run without a way out to the network (probes): see `isolate`.
    isolate_network: bool,
    /// When toolup's interruption stops it (its whole process group).
    stop: Stop,
    /// It changes the system: in a dry run (`set_dry_run`) it is not
    /// started, whoever asks — no caller can escape `--dry-run`.
    changes: bool,
    /// Run it in the background: lowest CPU and idle I/O priority.
    background: bool,
    /// Hears each line of stderr as it arrives (a plugin's progress lines).
    on_stderr_line: Option<&'a (dyn Fn(&str) + Sync)>,
    /// Hears each line of stdout as it arrives (a host's events).
    on_stdout_line: Option<&'a (dyn Fn(&str) + Sync)>,
    /// What the process reads.
    input: Input<'a>,
}

/// What a process reads on stdin.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// Nothing: stdin is closed (`/dev/null`).
    Null,
    /// This open file, from its current position (a binary pushed to a
    /// host over ssh; opened through `state`).
    File(&'a std::fs::File),
    /// A pipe toolup holds open and never writes: it closes when toolup
    /// is first interrupted, when the process ends, or when toolup dies —
    /// how a program on the other end of ssh learns toolup is gone.
    Lifeline,
}

/// The environment of a read-only query: plain, untranslated output.
pub const QUERY_ENV: &[(&str, &str)] = &[("LC_ALL", "C.UTF-8"), ("NO_COLOR", "1")];

/// The environment of a change: nothing may stop to ask a question.
pub const CHANGE_ENV: &[(&str, &str)] = &[("DEBIAN_FRONTEND", "noninteractive"), ("NO_COLOR", "1")];

impl<'a> ProcessRequest<'a> {
    fn new(program: &'a Path, args: &'a [String], timeout: Duration) -> ProcessRequest<'a> {
        ProcessRequest {
            program,
            args,
            timeout,
            max_capture: 64 * 1024,
            env: &[],
            cwd: None,
            isolate_network: false,
            stop: Stop::Never,
            changes: false,
            background: false,
            on_stderr_line: None,
            on_stdout_line: None,
            input: Input::Null,
        }
    }

    /// A probe of a tool (`--version`): kept off the network, in the
    /// probe environment, 64 KiB of each stream kept.
    pub fn probe(program: &'a Path, args: &'a [String], timeout: Duration) -> ProcessRequest<'a> {
        ProcessRequest {
            env: PROBE_ENV,
            isolate_network: true,
            ..ProcessRequest::new(program, args, timeout)
        }
    }

    /// A read-only query (a package manager's check or candidate, a
    /// client's configuration): it runs in a dry run too, and an
    /// interruption leaves it to finish; 4 MiB of each stream kept.
    pub fn query(program: &'a Path, args: &'a [String], timeout: Duration) -> ProcessRequest<'a> {
        ProcessRequest {
            env: QUERY_ENV,
            max_capture: 4 * 1024 * 1024,
            ..ProcessRequest::new(program, args, timeout)
        }
    }

    /// A change to the system (an install, an update): never started in a
    /// dry run, stopped at the first interruption, never waiting for an
    /// answer; 256 KiB of each stream kept.
    pub fn change(program: &'a Path, args: &'a [String], timeout: Duration) -> ProcessRequest<'a> {
        ProcessRequest {
            env: CHANGE_ENV,
            max_capture: 256 * 1024,
            stop: Stop::OnInterrupt,
            changes: true,
            ..ProcessRequest::new(program, args, timeout)
        }
    }

    /// This environment on top of the inherited one, instead of the kind's.
    pub fn env(self, env: &'a [(&'a str, &'a str)]) -> ProcessRequest<'a> {
        ProcessRequest { env, ..self }
    }

    /// Keeps this many bytes of each stream.
    pub fn capture(self, max_capture: usize) -> ProcessRequest<'a> {
        ProcessRequest {
            max_capture,
            ..self
        }
    }

    /// Runs in this directory.
    pub fn cwd(self, cwd: Option<&'a Path>) -> ProcessRequest<'a> {
        ProcessRequest { cwd, ..self }
    }

    /// Stopped by an interruption this way.
    pub fn stop(self, stop: Stop) -> ProcessRequest<'a> {
        ProcessRequest { stop, ..self }
    }

    /// At the lowest CPU and idle I/O priority.
    pub fn background(self) -> ProcessRequest<'a> {
        ProcessRequest {
            background: true,
            ..self
        }
    }

    /// Hears each line of stderr as it arrives.
    pub fn on_stderr_line(self, hear: &'a (dyn Fn(&str) + Sync)) -> ProcessRequest<'a> {
        ProcessRequest {
            on_stderr_line: Some(hear),
            ..self
        }
    }

    /// Hears each line of stdout as it arrives.
    pub fn on_stdout_line(self, hear: &'a (dyn Fn(&str) + Sync)) -> ProcessRequest<'a> {
        ProcessRequest {
            on_stdout_line: Some(hear),
            ..self
        }
    }

    /// Reads this on stdin.
    pub fn input(self, input: Input<'a>) -> ProcessRequest<'a> {
        ProcessRequest { input, ..self }
    }
}

/// When an interruption (SIGINT/SIGTERM) stops a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Never: a probe, a restore, a check.
    Never,
    /// At the first: a tool upgrade is put back at once.
    OnInterrupt,
    /// At the second: a system update's phase finishes after the first.
    OnSecondInterrupt,
}

static DRY_RUN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on nothing that changes the system starts; each such request
/// answers as if it had succeeded, and says so in its output.
pub fn set_dry_run(on: bool) {
    DRY_RUN.store(on, std::sync::atomic::Ordering::SeqCst);
}

/// True in a dry run.
pub fn dry_run() -> bool {
    DRY_RUN.load(std::sync::atomic::Ordering::SeqCst)
}

/// What a finished (or killed) process left behind.
#[derive(Debug)]
pub struct ProcessOutput {
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub timed_out: bool,
    /// True when either stream went past `max_capture`.
    pub truncated: bool,
    pub elapsed: Duration,
    /// Stopped because toolup was interrupted (SIGINT/SIGTERM).
    pub interrupted: bool,
    /// Not started: a dry run.
    pub dry: bool,
    /// CPU time and peak RSS, when the process was reaped.
    pub usage: Option<Usage>,
}

/// The environment every probe runs with, so output is plain and stable.
///
/// `C.UTF-8` rather than DESIGN.md's plain `C`: the messages are the same
/// untranslated ones, but Python CLIs (ansible, asciinema, …) refuse to start
/// under an ASCII locale.
pub const PROBE_ENV: &[(&str, &str)] = &[
    ("LC_ALL", "C.UTF-8"),
    ("LANG", "C.UTF-8"),
    ("NO_COLOR", "1"),
    ("TERM", "dumb"),
    ("CLICOLOR", "0"),
    ("PAGER", "cat"),
    ("GIT_PAGER", "cat"),
];

/// The longest line a listener hears (`on_stdout_line`, `on_stderr_line`).
pub const MAX_HEARD_LINE: usize = 256 * 1024;

/// After the main child exits, how long to keep reading from descendants
/// that still hold the pipes open (a daemon the tool forked, say), before
/// they are killed with the rest of what it left.
const LINGER_AFTER_EXIT: Duration = Duration::from_millis(100);

/// Runs a program to completion or until its timeout; then, however it
/// ended, kills its whole process group and every descendant it left.
pub fn run(request: &ProcessRequest<'_>) -> std::io::Result<ProcessOutput> {
    let started = Instant::now();
    if request.changes && dry_run() {
        use std::os::unix::process::ExitStatusExt;
        return Ok(ProcessOutput {
            status: Some(ExitStatus::from_raw(0)),
            stdout: b"dry run: not started\n".to_vec(),
            stderr: Vec::new(),
            timed_out: false,
            truncated: false,
            elapsed: started.elapsed(),
            interrupted: false,
            dry: true,
            usage: None,
        });
    }
    descendants::install();
    if descendants::ending() {
        return Err(std::io::Error::other(
            "toolup is ending: nothing new starts",
        ));
    }
    #[allow(clippy::disallowed_methods)] // the one allowed place
    let mut command = Command::new(request.program);
    command
        .args(request.args)
        .stdin(match request.input {
            Input::Null => Stdio::null(),
            Input::File(file) => Stdio::from(file.try_clone()?),
            Input::Lifeline => Stdio::piped(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    for (key, value) in request.env {
        command.env(key, value);
    }
    // What it leaves behind is known as its own by this mark (`descendants`).
    let mark = descendants::next_mark();
    command.env(descendants::MARK_VAR, &mark);
    if let Some(dir) = request.cwd {
        command.current_dir(dir);
    }
    let parent = libc::pid_t::try_from(std::process::id()).unwrap_or(0);
    let background = request.background;
    let isolation = request.isolate_network.then(|| {
        for (key, value) in NO_PHONE_HOME {
            command.env(key, value);
        }
        isolate::Isolation::for_program(request.program)
    });
    // SAFETY: the hook runs between fork and exec and makes only
    // async-signal-safe system calls (prctl, and isolation's raw calls) on
    // data prepared before the fork.
    unsafe {
        command.pre_exec(move || {
            // The child dies with toolup: a kill -9 of toolup cannot leave a
            // package manager writing on its own.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            // toolup died before the line above took effect.
            if libc::getppid() != parent {
                libc::_exit(137);
            }
            if background {
                // Lowest CPU priority, idle I/O class (ioprio_set, who = this process).
                libc::setpriority(libc::PRIO_PROCESS, 0, 19);
                const IOPRIO_WHO_PROCESS: libc::c_long = 1;
                const IOPRIO_CLASS_IDLE: libc::c_long = 3;
                libc::syscall(
                    libc::SYS_ioprio_set,
                    IOPRIO_WHO_PROCESS,
                    0,
                    IOPRIO_CLASS_IDLE << 13,
                );
            }
            if let Some(isolation) = &isolation {
                isolation.enter();
            }
            Ok(())
        });
    }
    let mut child = command.spawn()?;
    let leader = libc::pid_t::try_from(child.id()).unwrap_or(0);
    descendants::started(leader);
    let mut lifeline = child.stdin.take();
    let mut streams = Streams::new(&mut child, request.max_capture);
    streams.hear = [request.on_stdout_line, request.on_stderr_line];
    // Every timeout is range-checked where it is read (at most a day); one
    // past what the clock can add is waited as a year, never a panic.
    let deadline = started
        .checked_add(request.timeout)
        .or_else(|| started.checked_add(Duration::from_secs(366 * 86_400)))
        .unwrap_or(started);
    let mut exited_at: Option<Instant> = None;
    let mut timed_out = false;
    let mut interrupted = false;
    while streams.open() {
        let now = Instant::now();
        if now >= deadline {
            timed_out = true;
            break;
        }
        if stops(request.stop) {
            interrupted = true;
            break;
        }
        if lifeline.is_some() && interrupt::interrupted() {
            lifeline = None;
        }
        if let Some(t) = exited_at
            && now >= t + LINGER_AFTER_EXIT
        {
            break;
        }
        // Wake at least every 50 ms to notice a child that exited while a
        // descendant keeps the pipes open.
        let wait = (deadline - now).min(Duration::from_millis(50));
        streams.poll_once(wait);
        if exited_at.is_none() && descendants::exited(leader) {
            exited_at = Some(Instant::now());
        }
    }
    // Both pipes closed but the child runs on (it closed them itself): the
    // deadline still holds.
    while exited_at.is_none() && !timed_out && !interrupted {
        if descendants::exited(leader) {
            exited_at = Some(Instant::now());
        } else if Instant::now() >= deadline {
            timed_out = true;
        } else if stops(request.stop) {
            interrupted = true;
        } else {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    if interrupted {
        stop_group(leader);
    }
    drop(lifeline);
    // Whatever ended it, its whole group and every orphan it left end now
    // (the child is not reaped yet, so its group id is still its own).
    descendants::end_job(leader, &mark);
    // It has exited or was just killed: this wait is short.
    let done = reap(&child);
    let (stdout, stderr, truncated) = streams.finish();
    Ok(ProcessOutput {
        status: if timed_out || interrupted {
            None
        } else {
            done.map(|(s, _)| s)
        },
        stdout,
        stderr,
        timed_out,
        truncated,
        elapsed: started.elapsed(),
        interrupted,
        dry: false,
        usage: done.map(|(_, u)| Usage::from(u)),
    })
}

/// Runs a short, read-only helper (`sudo -n true`, `visudo -c`,
/// `notify-send`): never stopped by an interruption, nothing to do in a
/// dry run's terms, 64 KiB of each stream kept.
pub fn run_quick(
    program: &Path,
    args: &[String],
    timeout: Duration,
) -> std::io::Result<ProcessOutput> {
    run(&ProcessRequest::new(program, args, timeout))
}

fn stops(stop: Stop) -> bool {
    match stop {
        Stop::Never => false,
        Stop::OnInterrupt => interrupt::interrupted(),
        Stop::OnSecondInterrupt => interrupt::forced(),
    }
}

/// Asks the child's group to stop (SIGTERM) and gives it a grace period
/// to exit (a package manager gets the chance to release its locks);
/// `descendants::end_job` kills what is left.
fn stop_group(leader: libc::pid_t) {
    if leader <= 0 {
        return;
    }
    // SAFETY: kill(2) with a negative pid signals the process group we
    // created for this child (process_group(0) made its pgid = its pid).
    unsafe {
        libc::kill(-leader, libc::SIGTERM);
    }
    let grace = Instant::now() + Duration::from_secs(5);
    while Instant::now() < grace && !descendants::exited(leader) {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reaps the child with `wait4`, which also says what it used (CPU time,
/// peak RSS); it waits for the child to exit.
fn reap(child: &Child) -> Option<(ExitStatus, libc::rusage)> {
    use std::os::unix::process::ExitStatusExt;
    let pid = libc::pid_t::try_from(child.id()).ok()?;
    let mut status: libc::c_int = 0;
    // SAFETY: wait4 writes the status and the zeroed rusage we pass, for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if got == pid {
            return Some((ExitStatus::from_raw(status), usage));
        }
        if got < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return None;
        }
    }
}

/// What a process used, from `wait4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub user_ms: u64,
    pub system_ms: u64,
    pub max_rss_kib: u64,
}

impl From<libc::rusage> for Usage {
    fn from(u: libc::rusage) -> Usage {
        let ms = |t: libc::timeval| {
            u64::try_from(t.tv_sec).unwrap_or(0) * 1000
                + u64::try_from(t.tv_usec).unwrap_or(0) / 1000
        };
        Usage {
            user_ms: ms(u.ru_utime),
            system_ms: ms(u.ru_stime),
            max_rss_kib: u64::try_from(u.ru_maxrss).unwrap_or(0),
        }
    }
}

/// Hears one line of a process's output.
type Hear<'a> = dyn Fn(&str) + Sync + 'a;

/// The child's stdout and stderr with their bounded buffers.
struct Streams<'a> {
    /// Who hears each line of stdout and stderr.
    hear: [Option<&'a Hear<'a>>; 2],
    /// The part of each stream's line not yet ended by a newline.
    pending_line: [Vec<u8>; 2],
    /// A line grew past `MAX_HEARD_LINE`: its rest is dropped, not heard.
    skipping: [bool; 2],
    pipes: [Option<Box<dyn ReadFd>>; 2],
    buffers: [Vec<u8>; 2],
    max: usize,
    truncated: bool,
}

trait ReadFd: Read + AsRawFd + Send {}
impl<T: Read + AsRawFd + Send> ReadFd for T {}

impl<'a> Streams<'a> {
    fn new(child: &mut Child, max: usize) -> Streams<'a> {
        let out = child.stdout.take().map(|p| Box::new(p) as Box<dyn ReadFd>);
        let err = child.stderr.take().map(|p| Box::new(p) as Box<dyn ReadFd>);
        Streams {
            hear: [None, None],
            pending_line: [Vec::new(), Vec::new()],
            skipping: [false, false],
            pipes: [out, err],
            buffers: [Vec::new(), Vec::new()],
            max,
            truncated: false,
        }
    }

    fn open(&self) -> bool {
        self.pipes.iter().any(Option::is_some)
    }

    /// Waits up to `wait` for data and reads what is ready, closing pipes at EOF.
    fn poll_once(&mut self, wait: Duration) {
        let mut fds: Vec<libc::pollfd> = Vec::with_capacity(2);
        let mut which = Vec::with_capacity(2);
        for (i, pipe) in self.pipes.iter().enumerate() {
            if let Some(p) = pipe {
                fds.push(libc::pollfd {
                    fd: p.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                });
                which.push(i);
            }
        }
        let millis = libc::c_int::try_from(wait.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: `fds` is a valid, initialised slice of pollfd for its whole length.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, millis) };
        if ready <= 0 {
            return;
        }
        let mut chunk = [0u8; 16 * 1024];
        for (fd, &i) in fds.iter().zip(&which) {
            if fd.revents == 0 {
                continue;
            }
            let Some(pipe) = self.pipes[i].as_mut() else {
                continue;
            };
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => self.pipes[i] = None,
                Ok(n) => {
                    self.hear_lines(i, &chunk[..n]);
                    let buffer = &mut self.buffers[i];
                    let room = self.max.saturating_sub(buffer.len());
                    if n > room {
                        self.truncated = true;
                    }
                    buffer.extend_from_slice(&chunk[..n.min(room)]);
                }
            }
        }
    }

    /// Hands each whole line to the stream's listener; a line longer than
    /// `MAX_HEARD_LINE` is dropped whole (its start and its rest).
    fn hear_lines(&mut self, i: usize, bytes: &[u8]) {
        let Some(hear) = self.hear[i] else { return };
        let pending = &mut self.pending_line[i];
        for piece in bytes.split_inclusive(|b| *b == b'\n') {
            let ends = piece.ends_with(b"\n");
            if !self.skipping[i] {
                pending.extend_from_slice(piece);
                if pending.len() > MAX_HEARD_LINE {
                    pending.clear();
                    self.skipping[i] = !ends;
                    continue;
                }
            }
            if ends {
                if !self.skipping[i] {
                    hear(String::from_utf8_lossy(pending).trim_end());
                }
                pending.clear();
                self.skipping[i] = false;
            }
        }
    }

    fn finish(self) -> (Vec<u8>, Vec<u8>, bool) {
        // A last line without a newline is still a line.
        for i in 0..2 {
            if let Some(hear) = self.hear[i]
                && !self.pending_line[i].is_empty()
                && !self.skipping[i]
            {
                hear(String::from_utf8_lossy(&self.pending_line[i]).trim_end());
            }
        }
        let [out, err] = self.buffers;
        (out, err, self.truncated)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests read /proc and write their fixtures
mod tests {
    use super::*;

    fn sh(script: &str, timeout_ms: u64, max: usize) -> ProcessOutput {
        let args = vec!["-c".to_owned(), script.to_owned()];
        run(&ProcessRequest::new(
            Path::new("/bin/sh"),
            &args,
            Duration::from_millis(timeout_ms),
        )
        .env(PROBE_ENV)
        .capture(max))
        .unwrap()
    }

    #[test]
    fn captures_both_streams_and_status() {
        let out = sh("echo out; echo err >&2; exit 3", 5000, 1024);
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        assert_eq!(out.status.and_then(|s| s.code()), Some(3));
        assert!(!out.timed_out);
    }

    #[test]
    fn environment_is_plain() {
        let out = sh("echo $LC_ALL $NO_COLOR $TERM", 5000, 1024);
        assert_eq!(out.stdout, b"C.UTF-8 1 dumb\n");
    }

    #[test]
    fn stdin_is_closed() {
        let out = sh("cat; echo done", 5000, 1024);
        assert_eq!(out.stdout, b"done\n");
    }

    #[test]
    fn timeout_kills_the_whole_group() {
        let out = sh("sleep 30 & sleep 30; echo never", 300, 1024);
        assert!(out.timed_out);
        assert!(out.status.is_none());
        assert!(out.elapsed < Duration::from_secs(5), "{:?}", out.elapsed);
    }

    #[test]
    fn a_child_that_closes_its_pipes_and_runs_on_still_times_out() {
        let out = sh("exec >&- 2>&-; sleep 30", 300, 1024);
        assert!(out.timed_out);
        assert!(out.elapsed < Duration::from_secs(5), "{:?}", out.elapsed);
    }

    #[test]
    fn capture_is_bounded_and_drained() {
        let out = sh("head -c 3000000 /dev/zero; echo tail >&2", 10_000, 1000);
        assert_eq!(out.stdout.len(), 1000);
        assert!(out.truncated);
        assert_eq!(out.stderr, b"tail\n");
    }

    #[test]
    fn background_child_holding_pipe_does_not_stall() {
        let out = sh("echo hi; sleep 30 &", 10_000, 1024);
        assert_eq!(out.stdout, b"hi\n");
        assert!(!out.timed_out);
        assert!(out.elapsed < Duration::from_secs(5), "{:?}", out.elapsed);
    }

    /// True once `pid` is gone or a zombie (an orphan toolup killed, not
    /// yet reaped by its new parent).
    fn gone(pid: &str) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).map_or(true, |s| {
            s.rsplit_once(')')
                .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
        })
    }

    #[test]
    fn what_a_child_leaves_running_ends_with_it() {
        // In its group with the pipes closed, and in a session of its own.
        let out = sh(
            "/bin/sleep 60 </dev/null >/dev/null 2>&1 & echo $!; \
             /usr/bin/setsid /bin/sleep 60 </dev/null >/dev/null 2>&1 & echo $!",
            10_000,
            1024,
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let pids: Vec<&str> = text.lines().collect();
        assert_eq!(pids.len(), 2, "{text}");
        for pid in pids {
            assert!(gone(pid), "pid {pid} outlived its parent's run");
        }
    }

    #[test]
    fn a_timeout_ends_what_left_the_group_too() {
        let out = sh(
            "/usr/bin/setsid /bin/sleep 60 </dev/null >/dev/null 2>&1 & echo $!; exec /bin/sleep 30",
            1000,
            1024,
        );
        assert!(out.timed_out);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(gone(text.trim()), "pid {text} outlived the timeout");
    }

    #[test]
    fn every_process_carries_a_mark_of_its_own() {
        let a = sh("echo $TOOLUP_PROCESS_MARK", 5000, 1024).stdout;
        let b = sh("echo $TOOLUP_PROCESS_MARK", 5000, 1024).stdout;
        let prefix = format!("{}.", std::process::id());
        assert!(String::from_utf8_lossy(&a).starts_with(&prefix), "{a:?}");
        assert_ne!(a, b);
    }

    #[test]
    fn lines_are_heard_as_they_come_and_overlong_ones_are_dropped_whole() {
        let heard = std::sync::Mutex::new(Vec::new());
        let hear = |l: &str| heard.lock().unwrap().push(l.to_owned());
        let args = vec![
            "-c".to_owned(),
            "echo one; head -c 300000 /dev/zero | tr '\\0' x; echo; echo two >&2; printf three"
                .to_owned(),
        ];
        run(
            &ProcessRequest::new(Path::new("/bin/sh"), &args, Duration::from_secs(30))
                .on_stdout_line(&hear)
                .on_stderr_line(&hear),
        )
        .unwrap();
        let mut heard = heard.into_inner().unwrap();
        heard.sort();
        assert_eq!(heard, ["one", "three", "two"]);
    }

    #[test]
    fn a_lifeline_closes_when_the_process_is_done_and_a_file_can_be_stdin() {
        let args = vec!["-c".to_owned(), "cat; echo eof".to_owned()];
        // Nothing is ever written: `cat` would wait forever on an open pipe,
        // so the lifeline must not be the process's only way out. With
        // a file as stdin, cat reads it.
        let file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file.as_file(), b"pushed\n").unwrap();
        std::io::Seek::rewind(&mut file.as_file()).unwrap();
        let out = run(
            &ProcessRequest::new(Path::new("/bin/sh"), &args, Duration::from_secs(30))
                .input(Input::File(file.as_file())),
        )
        .unwrap();
        assert_eq!(out.stdout, b"pushed\neof\n");
        let args = vec!["-c".to_owned(), "read x || echo closed".to_owned()];
        let out =
            run(
                &ProcessRequest::new(Path::new("/bin/sh"), &args, Duration::from_millis(300))
                    .input(Input::Lifeline),
            )
            .unwrap();
        assert!(out.timed_out, "an open lifeline never ends the read");
    }

    #[test]
    fn missing_program_is_an_error() {
        let result = run_quick(
            Path::new("/nonexistent/toolup-test"),
            &[],
            Duration::from_secs(1),
        );
        assert_eq!(
            result.err().map(|e| e.kind()),
            Some(std::io::ErrorKind::NotFound)
        );
    }
}
