//! The updater role: checking and updating everything a manager owns
//! (`toolup system`). An updater says whether it applies here, how to
//! check (read-only, no root) and read the answer — less what the manager
//! itself holds back —, what it would run to download and to update, the
//! named locks each phase holds, and where it stands in the order of a
//! whole-system update.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Manager;
use crate::base::host::Host;
use crate::exec::{ProcessRequest, run};
pub use crate::state::lock::LockFile;

/// One pending update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// From a security suite or advisory.
    #[serde(default)]
    pub security: bool,
    pub download_bytes: Option<u64>,
}

impl Pending {
    pub fn new(name: &str, from: Option<&str>, to: Option<&str>) -> Pending {
        Pending {
            name: name.to_owned(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            security: false,
            download_bytes: None,
        }
    }
}

/// What a check found, refused whole when a package's name is empty
/// or its name or a version holds a control character (a line break, an
/// escape): whatever a manager or plugin prints, what toolup shows,
/// records and names on a command line is one line of plain text. Every
/// check's answer passes here (`system::check`), whichever updater read
/// it and however.
pub fn one_line_each(pending: Vec<Pending>) -> Result<Vec<Pending>, String> {
    for p in &pending {
        if p.name.is_empty() {
            return Err("a pending update without a package name".to_owned());
        }
        let fields = [
            ("package name", Some(&p.name)),
            ("version", p.from.as_ref()),
            ("version", p.to.as_ref()),
        ];
        for (what, text) in fields {
            if let Some(text) = text.filter(|t| t.contains(char::is_control)) {
                return Err(format!("a {what} holds a control character: {text:?}"));
            }
        }
    }
    Ok(pending)
}

/// The phases of an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Check,
    Download,
    Update,
}

/// Latest versions of registry packages, asked by `kind:name`, answered in order.
pub type LatestLookup = dyn Fn(&[String]) -> Vec<Result<String, String>> + Sync;

/// What a check may use.
pub struct CheckContext<'a> {
    pub host: &'a Host,
    /// Each check is killed (its whole process group) after this.
    pub timeout: Duration,
    /// The latest versions of registry packages (`pypi:NAME`, `crates:NAME`)
    /// through toolup's own upstream layer, in the order asked.
    pub latest: &'a LatestLookup,
}

impl CheckContext<'_> {
    /// Runs a read-only check command.
    pub fn run(&self, argv: &[String]) -> Result<CheckRun, String> {
        crate::base::paths::program(&argv[0])?;
        let program = self
            .host
            .which(&argv[0])
            .ok_or_else(|| format!("{} is not on PATH", argv[0]))?;
        let out = run(
            &ProcessRequest::query(&program, &argv[1..], self.timeout).env(&[
                ("LC_ALL", "C.UTF-8"),
                ("NO_COLOR", "1"),
                ("NPM_CONFIG_UPDATE_NOTIFIER", "false"),
            ]),
        )
        .map_err(|e| format!("cannot run {}: {e}", argv[0]))?;
        if out.timed_out {
            return Err(format!(
                "`{}` did not finish within {}s (killed)",
                argv.join(" "),
                self.timeout.as_secs()
            ));
        }
        Ok(CheckRun {
            code: out.status.and_then(|s| s.code()).unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: crate::base::text::clean_output(&[], &out.stderr),
        })
    }
}

/// What a check command left.
pub struct CheckRun {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Where an updater stands in a whole-system update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Before every other job (the team's modules: no plugin of a module
    /// runs while its module is being replaced).
    First,
    /// A system package manager (apt, dnf, pacman, zypper, brew).
    System,
    /// A language toolchain or tool manager: after the system's managers
    /// (topgrade-rs/topgrade#1039).
    Toolchain,
    /// After the system's managers and the toolchains (toolup's own
    /// catalog upgrades through them).
    Last,
    /// Waits for nothing but the first stage (flatpak, snap, firmware,
    /// external plugins).
    Apart,
}

/// A package manager's second role: checking and updating what it owns.
pub trait Updater: Manager {
    /// The program that must be on PATH.
    fn program(&self) -> &'static str;
    /// Whether it applies here: by default, its program is on PATH.
    fn applies(&self, host: &Host) -> bool {
        host.which(self.program()).is_some()
    }
    /// The read-only check (no root): argv.
    fn check_argv(&self) -> Vec<String>;
    /// Whether `code` means the check ran (tools differ: dnf exits 100 when
    /// updates exist, `checkupdates` 2 when none, `npm outdated` 1 when
    /// something is outdated).
    fn check_ran(&self, code: i32) -> bool {
        code == 0
    }
    /// Reads the check's stdout into pending updates.
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String>;
    /// A read-only command listing what the manager leaves alone in an
    /// update (held, pinned, masked), asked beside the check.
    fn held_query(&self) -> Option<Vec<String>> {
        None
    }
    /// Whether that listing says the manager leaves `name` alone.
    fn is_held(&self, _listing: &str, _name: &str) -> bool {
        false
    }
    /// What the last check left out on purpose, each with how to take it
    /// (toolup's catalog: majors its breaking-change policy holds back).
    fn held_back(&self) -> Vec<String> {
        Vec::new()
    }
    /// Runs the check: `check_argv`, `check_ran`, `parse`, less what
    /// `held_query` lists (asked side by side). Updaters that compare with
    /// registries through toolup's upstream layer override it.
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        let argv = self.check_argv();
        let held = self.held_query();
        let (out, listing) = std::thread::scope(|scope| {
            let listing = held.as_ref().map(|q| scope.spawn(|| cx.run(q)));
            let out = cx.run(&argv);
            let listing = listing
                .and_then(|h| h.join().ok())
                .and_then(Result::ok)
                .filter(|l| l.code == 0)
                .map(|l| l.stdout);
            (out, listing)
        });
        let out = out?;
        if !self.check_ran(out.code) {
            let why = out.stderr.lines().last().unwrap_or("").trim().to_owned();
            return Err(format!("`{}` exited {}: {why}", argv.join(" "), out.code));
        }
        let pending = self.parse(&out.stdout)?;
        Ok(match listing {
            Some(listing) => pending
                .into_iter()
                .filter(|p| !self.is_held(&listing, &p.name))
                .collect(),
            None => pending,
        })
    }
    /// What refreshes its package lists (needs root), if it keeps any.
    fn refresh_argv(&self) -> Option<Vec<String>> {
        None
    }
    /// What it runs to download without installing, where it can separate that.
    fn download_argv(&self) -> Option<Vec<String>> {
        None
    }
    /// What it runs to update.
    fn update_argv(&self) -> Vec<String>;
    /// What it runs to update exactly these pending updates, where its
    /// manager needs them named (cargo reinstalls each crate at its new
    /// version); `None` runs `update_argv`. Such an updater has no separate
    /// download phase.
    fn update_argv_for(&self, _pending: &[Pending]) -> Option<Vec<String>> {
        None
    }
    /// What it runs to take only these security updates, where it can tell
    /// them apart (apt); `None` where it cannot.
    fn security_update_argv(&self, _security: &[Pending]) -> Option<Vec<String>> {
        None
    }
    /// Refuses an argv that is not one of the shapes this updater runs
    /// (a whitelist, checked before anything starts).
    fn check_shape(&self, _argv: &[String]) -> Result<(), String> {
        Ok(())
    }
    /// More environment its download and update run with (a plugin's
    /// settings).
    fn phase_env(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// The update needs root (through `sudo -n` when toolup is not root).
    fn needs_root(&self) -> bool {
        false
    }
    /// Checked always, updated only when the user asks for it by name
    /// (`--only ID`, or `[system] enable = ["ID"]`): firmware. Says why.
    fn opt_in(&self) -> Option<&'static str> {
        None
    }
    /// The named locks a phase holds (`pkgmgr:dpkg`, `runtime:python`, `system:network`).
    fn locks(&self, phase: Phase) -> Vec<&'static str>;
    /// Where it stands in a whole-system update (which jobs wait for it,
    /// which it waits for).
    fn stage(&self) -> Stage {
        Stage::Apart
    }
    /// Other updaters that must finish first, by id.
    fn runs_after(&self) -> &'static [&'static str] {
        &[]
    }
    /// What puts the manager right before an update when an earlier run
    /// left it half done (apt: `dpkg --configure -a`), and whether that is
    /// needed now.
    fn repair_argv(&self) -> Option<Vec<String>> {
        None
    }
    fn needs_repair(&self) -> bool {
        false
    }
    /// What one name in `security_update_argv` may be, as a POSIX extended
    /// regular expression matching exactly the names it passes (apt:
    /// Debian's package-name grammar, which no option can match); `None`
    /// where it passes none or cannot say.
    fn security_name_pattern(&self) -> Option<&'static str> {
        None
    }
    /// Every command an update may run as root, for a sudoers drop-in:
    /// refresh, download, update, repair — each an exact argv — and the
    /// security-only shape: its fixed words, then one or more names that
    /// `security_name_pattern` matches (left out where there is none).
    fn root_commands(&self) -> Vec<RootCommand> {
        let exact = |argv: Vec<String>| RootCommand {
            argv,
            then_names: None,
        };
        let security = self
            .security_update_argv(&[])
            .zip(self.security_name_pattern())
            .map(|(argv, pattern)| RootCommand {
                argv,
                then_names: Some(pattern),
            });
        [
            self.refresh_argv().map(exact),
            self.download_argv().map(exact),
            Some(exact(self.update_argv())),
            self.repair_argv().map(exact),
            security,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
    /// How long a phase may run before its process group is killed.
    fn phase_timeout(&self, phase: Phase) -> Duration {
        match phase {
            Phase::Check => Duration::from_secs(120),
            Phase::Download => Duration::from_secs(30 * 60),
            Phase::Update => Duration::from_secs(60 * 60),
        }
    }
    /// Where an update writes, for the free-space check of `--validate-only`.
    fn writes(&self, host: &Host) -> Vec<PathBuf> {
        host.home.iter().cloned().collect()
    }
    /// The lock files its manager takes, for `--validate-only`.
    fn lock_files(&self) -> Vec<LockFile> {
        Vec::new()
    }
}

/// A command an update may run as root, as a sudoers drop-in grants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootCommand {
    /// The argv exactly (its program named as the updater names it).
    pub argv: Vec<String>,
    /// When set, one or more names follow `argv`, each matching this POSIX
    /// extended regular expression (whole); otherwise nothing follows.
    pub then_names: Option<&'static str>,
}

/// `["a", "b"]` as argv.
pub fn argv(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).collect()
}
