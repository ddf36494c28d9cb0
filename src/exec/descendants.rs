//! Nothing toolup starts outlives it, descendants included.
//!
//! - toolup is a child subreaper (`PR_SET_CHILD_SUBREAPER`): a descendant
//!   whose parent exits is re-parented to toolup, not to init, so while
//!   toolup runs every process it started is below it in the process tree.
//! - Every process is started with `TOOLUP_PROCESS_MARK` in its
//!   environment (this run's pid and start time, and a number per process),
//!   which its descendants inherit unless they clear their environment.
//! - When a process ends (or times out, or is stopped), its whole process
//!   group is killed, and so is every orphan it left (re-parented to toolup,
//!   found by its group or its mark) with everything below it; toolup reaps
//!   those that became its children.
//! - When toolup ends — its normal exit (`atexit`), or SIGINT, SIGTERM or
//!   SIGHUP where they would have ended it at once — everything still
//!   below it is killed the same way.
//! - A `kill -9` leaves no chance to clean up: an action records this run's
//!   `Lineage` (pid, start time, boot, and the process group of each
//!   process it started, with its leader's start time) in its journal, and
//!   `end_lineage` — called by the next run before it puts anything back —
//!   ends every process of that lineage and says whether they are gone.

#![allow(clippy::disallowed_methods)] // /proc: the kernel's files; exec sits below `state`

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::Read;
use std::rc::Rc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The environment variable that marks a process, and what it starts, as
/// toolup's: `PID.START.N`.
pub const MARK_VAR: &str = "TOOLUP_PROCESS_MARK";

/// Set once toolup is ending: nothing new starts.
static ENDING: AtomicBool = AtomicBool::new(false);

/// One process group toolup started: its id (the leader's pid) and its
/// leader's start time, which tells it from a later group with the same
/// id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub pgid: i32,
    pub start_ticks: u64,
}

/// What identifies the processes of one run of toolup once it is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lineage {
    /// toolup's pid and start time (clock ticks after boot).
    pub pid: u32,
    pub start_ticks: u64,
    /// The boot it ran in (`/proc/sys/kernel/random/boot_id`): after a
    /// reboot nothing of it runs.
    pub boot_id: String,
    /// The process groups it started (those it was asked to note).
    #[serde(default)]
    pub groups: Vec<Group>,
}

impl Lineage {
    /// This run of toolup, with no groups yet.
    pub fn current() -> Lineage {
        let me = myself();
        Lineage {
            pid: std::process::id(),
            start_ticks: me.start_ticks,
            boot_id: me.boot_id.clone(),
            groups: Vec::new(),
        }
    }

    /// True while the toolup of this lineage still runs (the same pid,
    /// started at the same time, in this boot).
    pub fn toolup_runs(&self) -> bool {
        if !self.same_boot() {
            return false;
        }
        let Ok(pid) = libc::pid_t::try_from(self.pid) else {
            return false;
        };
        // A start time of 0 was not known (no /proc): the pid has to do.
        stat_of(pid)
            .is_some_and(|p| !p.zombie && (self.start_ticks == 0 || p.start == self.start_ticks))
    }

    /// True when it is this run of toolup.
    pub fn is_this_run(&self) -> bool {
        self.pid == std::process::id()
            && self.start_ticks == myself().start_ticks
            && self.same_boot()
    }

    fn same_boot(&self) -> bool {
        let now = &myself().boot_id;
        self.boot_id.is_empty() || now.is_empty() || *now == self.boot_id
    }

    fn mark_prefix(&self) -> String {
        format!("{}.{}.", self.pid, self.start_ticks)
    }
}

struct Myself {
    start_ticks: u64,
    boot_id: String,
}

fn myself() -> &'static Myself {
    static ME: std::sync::OnceLock<Myself> = std::sync::OnceLock::new();
    ME.get_or_init(|| Myself {
        start_ticks: stat_of(getpid()).map_or(0, |p| p.start),
        boot_id: std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    })
}

fn getpid() -> libc::pid_t {
    // SAFETY: getpid has no preconditions.
    unsafe { libc::getpid() }
}

/// A fresh mark for the next process.
pub(super) fn next_mark() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}.{}.{}",
        std::process::id(),
        myself().start_ticks,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// True once toolup is ending (a fatal signal is being handled, or it exits).
pub(super) fn ending() -> bool {
    ENDING.load(Ordering::SeqCst)
}

/// Makes toolup a subreaper and arranges for everything below it to end
/// with it; once per process, before its first child starts.
pub(super) fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: prctl with PR_SET_CHILD_SUBREAPER only sets a flag on
        // this process; atexit registers a function that does not unwind.
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
            libc::atexit(at_exit);
        }
        watch_fatal_signals();
    });
}

extern "C" fn at_exit() {
    ENDING.store(true, Ordering::SeqCst);
    end_everything_below();
}

/// Where the signal handler writes the number of the signal it caught.
static SIGNAL_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_fatal_signal(signal: libc::c_int) {
    let byte = u8::try_from(signal).unwrap_or(0);
    // SAFETY: write(2) is async-signal-safe; the pipe stays open for the
    // life of the process.
    unsafe {
        libc::write(
            SIGNAL_PIPE.load(Ordering::SeqCst),
            (&byte as *const u8).cast(),
            1,
        )
    };
}

/// SIGINT, SIGTERM and SIGHUP, where they would end toolup at once (their
/// default disposition), first end everything below it: a thread hears of
/// the signal, kills and reaps, then lets the signal end toolup as it
/// would have. Where a signal is ignored or already handled
/// (`interrupt::catch`), it is left alone; a later `catch` replaces this.
fn watch_fatal_signals() {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe2 writes two descriptors into the array we pass.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return;
    }
    let [reader, writer] = fds;
    SIGNAL_PIPE.store(writer, Ordering::SeqCst);
    let watcher = std::thread::Builder::new()
        .name("toolup-descendants".to_owned())
        .spawn(move || {
            let mut byte = 0u8;
            loop {
                // SAFETY: reads one byte into a local.
                let n = unsafe { libc::read(reader, (&mut byte as *mut u8).cast(), 1) };
                if n == 1 {
                    break;
                }
                if n < 0
                    && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
                {
                    continue;
                }
                return;
            }
            let signal = libc::c_int::from(byte);
            ENDING.store(true, Ordering::SeqCst);
            end_everything_below();
            // SAFETY: back to the default disposition, then the signal
            // again: toolup ends as it would have without the handler.
            unsafe {
                libc::signal(signal, libc::SIG_DFL);
                let mut set: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut set);
                libc::sigaddset(&mut set, signal);
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
                libc::raise(signal);
                libc::_exit(128 + signal);
            }
        });
    if watcher.is_err() {
        return;
    }
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: reads the current disposition, and replaces only the
        // default one with a handler that only writes to a pipe.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut old) != 0
                || old.sa_sigaction != libc::SIG_DFL
            {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fatal_signal as *const () as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// One who hears of each process group started.
type Hearer = Rc<dyn Fn(Group)>;

thread_local! {
    /// Who hears, on this thread, of each process group started.
    static HEARERS: RefCell<Vec<Hearer>> = const { RefCell::new(Vec::new()) };
}

/// Runs `body`; each process it starts on this thread is told to `hear`
/// (its process group, as soon as it started) — an action records them in
/// its journal, so a later run can end them if toolup is killed.
pub fn noting_groups<T>(hear: impl Fn(Group) + 'static, body: impl FnOnce() -> T) -> T {
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            HEARERS.with(|h| h.borrow_mut().pop());
        }
    }
    HEARERS.with(|h| h.borrow_mut().push(Rc::new(hear)));
    let _pop = Pop;
    body()
}

/// A process just started as the leader of its own group.
pub(super) fn started(leader: libc::pid_t) {
    let hearers: Vec<Hearer> = HEARERS.with(|h| h.borrow().clone());
    if hearers.is_empty() {
        return;
    }
    let group = Group {
        pgid: leader,
        start_ticks: stat_of(leader).map_or(0, |p| p.start),
    };
    for hear in hearers {
        hear(group);
    }
}

/// One line of the process table.
#[derive(Debug, Clone)]
struct Proc {
    pid: libc::pid_t,
    ppid: libc::pid_t,
    pgid: libc::pid_t,
    /// Clock ticks after boot.
    start: u64,
    zombie: bool,
}

/// A process's line, from `/proc/PID/stat`.
fn stat_of(pid: libc::pid_t) -> Option<Proc> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold anything: the fields
    // start after the last `)`.
    let (_, rest) = text.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(Proc {
        pid,
        zombie: matches!(fields.first(), Some(&("Z" | "X" | "x"))),
        ppid: fields.get(1)?.parse().ok()?,
        pgid: fields.get(2)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
    })
}

/// Every process that can be seen (none without `/proc`).
fn table() -> Vec<Proc> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<libc::pid_t>().ok())
        .filter_map(stat_of)
        .collect()
}

/// The mark in a process's environment, if it can be read.
fn mark_of(pid: libc::pid_t) -> Option<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(format!("/proc/{pid}/environ"))
        .ok()?
        .take(1024 * 1024)
        .read_to_end(&mut bytes)
        .ok()?;
    let key = format!("{MARK_VAR}=");
    bytes
        .split(|b| *b == 0)
        .find_map(|entry| entry.strip_prefix(key.as_bytes()))
        .map(|value| String::from_utf8_lossy(value).into_owned())
}

/// The processes of `table` chosen by `is_root`, and everything below them.
fn with_descendants(table: &[Proc], is_root: impl Fn(&Proc) -> bool) -> Vec<&Proc> {
    let mut chosen: BTreeSet<libc::pid_t> =
        table.iter().filter(|p| is_root(p)).map(|p| p.pid).collect();
    loop {
        let before = chosen.len();
        for p in table {
            if chosen.contains(&p.ppid) {
                chosen.insert(p.pid);
            }
        }
        if chosen.len() == before {
            break;
        }
    }
    table.iter().filter(|p| chosen.contains(&p.pid)).collect()
}

fn kill(pid: libc::pid_t, signal: libc::c_int) -> std::io::Result<()> {
    // SAFETY: kill(2) on a pid (or, negative, a group) chosen by the caller.
    if unsafe { libc::kill(pid, signal) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Reaps `pid` if it is a child of toolup that has exited.
fn reap_zombie(pid: libc::pid_t) {
    let mut status = 0;
    // SAFETY: waitpid on one pid, not blocking.
    unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
}

/// Waits until `leader` (a child of toolup) has exited, without reaping it.
fn wait_exited(leader: libc::pid_t) {
    loop {
        // SAFETY: waitid writes the zeroed siginfo we pass, for our own child.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let got = unsafe {
            libc::waitid(
                libc::P_PID,
                libc::id_t::try_from(leader).unwrap_or(0),
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if got == 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return;
        }
    }
}

/// True once `leader` (a child of toolup) has exited; it is not reaped.
pub(super) fn exited(leader: libc::pid_t) -> bool {
    // SAFETY: as in wait_exited, not blocking.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let got = unsafe {
        libc::waitid(
            libc::P_PID,
            libc::id_t::try_from(leader).unwrap_or(0),
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // SAFETY: si_pid is set (or left zero) by waitid for SIGCHLD-style info.
    got == 0 && unsafe { info.si_pid() } == leader
}

/// The pids directly below `pid`, from its threads' `children` files;
/// `None` where the kernel has no such files.
fn children_files(pid: libc::pid_t, only_main_thread: bool) -> Option<Vec<libc::pid_t>> {
    let tasks: Vec<libc::pid_t> = if only_main_thread {
        vec![pid]
    } else {
        std::fs::read_dir(format!("/proc/{pid}/task"))
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .collect()
    };
    let mut below = Vec::new();
    for task in tasks {
        match std::fs::read_to_string(format!("/proc/{pid}/task/{task}/children")) {
            Ok(text) => below.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<libc::pid_t>().ok()),
            ),
            // A thread that just ended.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && task != pid => {}
            Err(_) => return None,
        }
    }
    Some(below)
}

/// `root` and everything below it, from the `children` files.
fn subtree(root: libc::pid_t) -> Vec<libc::pid_t> {
    let mut found = vec![root];
    // Each pid looked up in a set: a tree of 100,000 is walked in one pass.
    let mut seen = std::collections::HashSet::from([root]);
    let mut at = 0;
    while at < found.len() && found.len() < 100_000 {
        for pid in children_files(found[at], false).unwrap_or_default() {
            if seen.insert(pid) {
                found.push(pid);
            }
        }
        at += 1;
    }
    found
}

/// Ends a process toolup started, with all it left behind: its leader
/// (killed, not yet reaped, so its pid and group id stay its own), its
/// process group, and every orphan of it — re-parented to toolup and found
/// by its group or its `mark` — with everything below them.
///
/// Once the leader has exited, everything it started that still runs is
/// below one of its orphans, and the kernel gives every orphan to the
/// subreaper's first thread: so toolup's main thread's `children` file is
/// all there is to read when nothing was left (the common case), and the
/// whole process table is read only where the kernel has no such files.
pub(super) fn end_job(leader: libc::pid_t, mark: &str) {
    if leader <= 0 {
        return;
    }
    let _ = kill(-leader, libc::SIGKILL);
    let _ = kill(leader, libc::SIGKILL);
    // Once the leader has exited, what it started is re-parented to toolup.
    wait_exited(leader);
    let me = getpid();
    let mut killed: BTreeSet<libc::pid_t> = BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let _ = kill(-leader, libc::SIGKILL);
        let Some(orphans) = children_files(me, true) else {
            return end_job_from_table(leader, mark);
        };
        let mut alive = 0;
        for orphan in orphans.into_iter().filter(|p| *p != leader) {
            let Some(p) = stat_of(orphan) else { continue };
            // Killed here (to be reaped), in its group, or carrying its mark.
            let ours = if p.zombie {
                p.pgid == leader || killed.contains(&p.pid)
            } else {
                p.pgid == leader || mark_of(p.pid).is_some_and(|m| m == mark)
            };
            if !ours {
                continue;
            }
            if p.zombie {
                reap_zombie(p.pid);
                continue;
            }
            for pid in subtree(p.pid) {
                alive += 1;
                let _ = kill(pid, libc::SIGKILL);
                // What was below it is re-parented to toolup as it dies.
                killed.insert(pid);
            }
        }
        if alive == 0 || Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// `end_job`, reading the whole process table for what is below toolup.
fn end_job_from_table(leader: libc::pid_t, mark: &str) {
    let me = getpid();
    let mut killed: BTreeSet<libc::pid_t> = BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let _ = kill(-leader, libc::SIGKILL);
        let table = table();
        let doomed = with_descendants(&table, |p| {
            p.pid == leader
                || p.pgid == leader
                || (p.ppid == me
                    && if p.zombie {
                        killed.contains(&p.pid)
                    } else {
                        mark_of(p.pid).is_some_and(|m| m == mark)
                    })
        });
        let alive = kill_or_reap(
            doomed.into_iter().filter(|p| p.pid != leader),
            me,
            &mut killed,
        );
        if alive == 0 || Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Kills each living process of `procs` (noting it in `killed`) and reaps
/// the zombies that are toolup's (`me`'s) children; how many were alive.
fn kill_or_reap<'p>(
    procs: impl IntoIterator<Item = &'p Proc>,
    me: libc::pid_t,
    killed: &mut BTreeSet<libc::pid_t>,
) -> usize {
    let mut alive = 0;
    for p in procs {
        if p.zombie {
            if p.ppid == me {
                reap_zombie(p.pid);
            }
        } else {
            alive += 1;
            let _ = kill(p.pid, libc::SIGKILL);
            killed.insert(p.pid);
        }
    }
    alive
}

/// Kills everything below toolup and reaps what was its child: as toolup ends.
fn end_everything_below() {
    let me = getpid();
    if children_files(me, false).is_some_and(|below| below.is_empty()) {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let table = table();
        let below = with_descendants(&table, |p| p.ppid == me);
        let alive = kill_or_reap(below, me, &mut BTreeSet::new());
        if alive == 0 || Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Ends every process of `lineage` (a run of toolup that was killed before
/// it could): those in the process groups it noted — unless the group's
/// id now belongs to a later process — and those carrying its mark, with
/// everything below them. SIGTERM first, SIGKILL after two seconds; returns
/// how many it stopped once none runs, or why some still run after
/// `within` (another user's process toolup may not signal, say). Nothing
/// is done while that toolup still runs.
pub fn end_lineage(lineage: &Lineage, within: Duration) -> Result<usize, String> {
    if !lineage.same_boot() || lineage.toolup_runs() {
        return Ok(0);
    }
    let prefix = lineage.mark_prefix();
    let me = getpid();
    let started = Instant::now();
    let mut stopped: BTreeSet<libc::pid_t> = BTreeSet::new();
    loop {
        let table = table();
        // Never this process or those above it (one started by that run, say).
        let mut spared = BTreeSet::from([me]);
        let mut up = me;
        while let Some(p) = table.iter().find(|p| p.pid == up && p.ppid > 0) {
            spared.insert(p.ppid);
            up = p.ppid;
        }
        let its_group = |p: &Proc| {
            lineage.groups.iter().any(|g| {
                p.pgid == g.pgid
                    && p.start >= g.start_ticks
                    && table
                        .iter()
                        .find(|q| q.pid == g.pgid)
                        .is_none_or(|leader| leader.start == g.start_ticks)
            })
        };
        let running: Vec<&Proc> = with_descendants(&table, |p| {
            !spared.contains(&p.pid)
                && (its_group(p) || mark_of(p.pid).is_some_and(|m| m.starts_with(&prefix)))
        })
        .into_iter()
        .filter(|p| !p.zombie && !spared.contains(&p.pid))
        .collect();
        if running.is_empty() {
            return Ok(stopped.len());
        }
        let describe = |p: &Proc| {
            let name = std::fs::read_to_string(format!("/proc/{}/comm", p.pid)).unwrap_or_default();
            format!(
                "pid {} ({})",
                p.pid,
                crate::base::printer::visible(name.trim())
            )
        };
        if started.elapsed() >= within {
            return Err(format!(
                "{} of it still run{}",
                running
                    .iter()
                    .map(|p| describe(p))
                    .collect::<Vec<_>>()
                    .join(", "),
                if running.len() == 1 { "s" } else { "" }
            ));
        }
        let signal = if started.elapsed() < Duration::from_secs(2) {
            libc::SIGTERM
        } else {
            libc::SIGKILL
        };
        for p in &running {
            match kill(p.pid, signal) {
                Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
                    return Err(format!(
                        "{} of it still runs, and toolup may not stop it",
                        describe(p)
                    ));
                }
                _ => {
                    stopped.insert(p.pid);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_run_is_running_and_a_made_up_one_is_not() {
        let me = Lineage::current();
        assert!(me.start_ticks > 0);
        assert!(me.toolup_runs());
        let reused = Lineage {
            start_ticks: me.start_ticks + 1,
            ..me.clone()
        };
        assert!(
            !reused.toolup_runs(),
            "the same pid started later is another process"
        );
        let other_boot = Lineage {
            boot_id: "another-boot".to_owned(),
            ..me
        };
        assert!(!other_boot.toolup_runs());
        assert!(Lineage::current().is_this_run());
        assert!(!reused.is_this_run() && !other_boot.is_this_run());
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // a process left by a run that is gone, started by hand
    fn a_lineage_is_ended_by_its_mark_and_its_groups() {
        use std::os::unix::process::CommandExt;
        // A run of toolup that is gone (no such pid), and what it left:
        // one process carrying its mark, one only in a group it noted.
        let gone = Lineage {
            pid: 4_999_999,
            start_ticks: 1,
            boot_id: String::new(),
            groups: Vec::new(),
        };
        let mut marked = std::process::Command::new("/bin/sleep")
            .arg("60")
            .env(MARK_VAR, format!("{}7", gone.mark_prefix()))
            .process_group(0)
            .spawn()
            .unwrap();
        let mut grouped = std::process::Command::new("/bin/sleep")
            .arg("60")
            .env_remove(MARK_VAR)
            .process_group(0)
            .spawn()
            .unwrap();
        let pgid = libc::pid_t::try_from(grouped.id()).unwrap();
        let lineage = Lineage {
            groups: vec![Group {
                pgid,
                start_ticks: stat_of(pgid).unwrap().start,
            }],
            ..gone
        };
        // Given no time, it says what still runs.
        let running = end_lineage(&lineage, Duration::ZERO).unwrap_err();
        assert!(
            running.contains("sleep") && running.contains("still run"),
            "{running}"
        );
        assert_eq!(end_lineage(&lineage, Duration::from_secs(30)), Ok(2));
        assert!(
            marked.wait().unwrap().code().is_none(),
            "killed by a signal"
        );
        assert!(
            grouped.wait().unwrap().code().is_none(),
            "killed by a signal"
        );
    }

    /// True once `pid` is gone or a zombie.
    fn gone(pid: libc::pid_t) -> bool {
        stat_of(pid).is_none_or(|p| p.zombie)
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // a child started by hand, as `run` starts one
    fn without_children_files_the_process_table_finds_what_a_child_left() {
        use std::os::unix::process::CommandExt;
        install();
        let mark = next_mark();
        // One left in the child's group, one in a session of its own.
        let mut child = std::process::Command::new("/bin/sh")
            .args([
                "-c",
                "/bin/sleep 60 </dev/null >/dev/null 2>&1 & echo $!; \
                 /usr/bin/setsid /bin/sleep 60 </dev/null >/dev/null 2>&1 & echo $!",
            ])
            .env(MARK_VAR, &mark)
            .stdout(std::process::Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        let mut text = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let leader = libc::pid_t::try_from(child.id()).unwrap();
        wait_exited(leader);
        let left: Vec<libc::pid_t> = text.lines().map(|l| l.parse().unwrap()).collect();
        assert_eq!(left.len(), 2, "{text}");
        assert!(left.iter().all(|p| !gone(*p)), "both run on");
        end_job_from_table(leader, &mark);
        for pid in left {
            assert!(gone(pid), "pid {pid} outlived its parent");
        }
        child.wait().unwrap();
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // a process of another run, started by hand
    fn a_group_whose_id_went_to_a_later_process_is_left_alone() {
        use std::os::unix::process::CommandExt;
        let mut later = std::process::Command::new("/bin/sleep")
            .arg("60")
            .env_remove(MARK_VAR)
            .process_group(0)
            .spawn()
            .unwrap();
        let pgid = libc::pid_t::try_from(later.id()).unwrap();
        let lineage = Lineage {
            pid: 4_999_998,
            start_ticks: 1,
            boot_id: String::new(),
            // The noted group had this id, with a leader started earlier.
            groups: vec![Group {
                pgid,
                start_ticks: stat_of(pgid).unwrap().start.saturating_sub(1),
            }],
        };
        assert_eq!(end_lineage(&lineage, Duration::from_secs(30)), Ok(0));
        assert!(stat_of(pgid).is_some_and(|p| !p.zombie));
        later.kill().unwrap();
        later.wait().unwrap();
    }
}
