//! The command line as clap reads it: every command, its flags and their
//! help (the flags every command takes are `settings::Flags`). Nothing
//! here runs: `settings::resolve` makes the library's settings and each
//! command file presents one library call.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Audit and reconcile the developer tools on this machine.
#[derive(Debug, Parser)]
#[command(name = "toolup", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten, next_help_heading = "Global options")]
    pub global: crate::settings::Flags,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every catalog tool, compare with upstream, write the snapshot and print it.
    #[command(
        after_help = "Examples:\n  toolup audit --status outdated,unknown\n  toolup audit --format json --fail-on outdated > tools.json"
    )]
    Audit {
        /// Also list the catalog tools that are not installed (the table
        /// folds them into one line unless --status names them).
        #[arg(long)]
        all: bool,
    },
    /// Like audit, but only write the snapshot (prints nothing but errors).
    #[command(
        after_help = "Examples:\n  toolup collect\n  toolup collect --refresh --update-baseline"
    )]
    Collect {
        /// Also merge this run's fetched releases into the repository baseline
        /// (default ./latest_versions.json); only successful fetches change it.
        #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "latest_versions.json")]
        update_baseline: Option<PathBuf>,
    },
    /// Print the latest upstream releases, without looking at this machine.
    #[command(
        after_help = "Examples:\n  toolup latest ruff prettier rg\n  toolup latest --category python --format json"
    )]
    Latest {
        /// Tools to look up [default: the whole catalog, or --only/--category].
        tools: Vec<String>,
    },
    /// Print the snapshot file; never starts a process or opens a socket.
    #[command(
        after_help = "Examples:\n  toolup render --snapshot tools_snapshot.json --fail-on missing\n  toolup render --format markdown >> \"$GITHUB_STEP_SUMMARY\""
    )]
    Render {
        /// Also list the catalog tools that are not installed.
        #[arg(long)]
        all: bool,
    },
    /// Inspect the tool catalog.
    #[command(
        after_help = "Examples:\n  toolup catalog list --category python\n  toolup catalog show rg"
    )]
    Catalog {
        #[command(subcommand)]
        action: CatalogAction,
    },
    /// What kind of machine this is (ci, server, workstation) and why.
    #[command(after_help = "Examples:\n  toolup env\n  toolup env --format json")]
    Env,
    /// Check what toolup relies on: registry addresses (and where each came
    /// from), the GitHub token and quota, toolup's files, PATH. Exit 1 when
    /// something is broken, with the fix named.
    #[command(after_help = "Examples:\n  toolup doctor\n  toolup doctor --offline --format json")]
    Doctor,
    /// Install tools that are missing, through the package manager that fits.
    #[command(
        after_help = "Examples:\n  toolup install ripgrep jq --dry-run\n  toolup install rg --via cargo --yes"
    )]
    Install {
        #[arg(required = true)]
        tools: Vec<String>,
        /// Install through this manager (uv, npm, cargo, apt, …) instead of the one chosen.
        #[arg(long, value_name = "MANAGER")]
        via: Option<String>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Upgrade outdated tools (and, with --missing, install missing ones).
    #[command(
        after_help = "Examples:\n  toolup upgrade --missing --preset agent --dry-run\n  toolup upgrade --all --atomic --yes"
    )]
    Upgrade {
        /// Tools to consider [default: the whole catalog, or --only/--category].
        tools: Vec<String>,
        /// Install the missing ones.
        #[arg(long)]
        missing: bool,
        /// Upgrade the outdated ones (the default unless --missing is given).
        #[arg(long)]
        outdated: bool,
        /// Add the tools of this preset (see catalog/presets.toml).
        #[arg(long, value_name = "NAME")]
        preset: Option<String>,
        /// Both: install the missing and upgrade the outdated.
        #[arg(long)]
        all: bool,
        /// Take major-version upgrades, which are held back by default.
        #[arg(long)]
        allow_major: bool,
        /// Upgrade through this manager (say uv, when apt has nothing newer)
        /// instead of the one that installed the copy in use.
        #[arg(long, value_name = "MANAGER")]
        via: Option<String>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Tools installed more than once: which copy runs, shadowed newer copies, the fix.
    #[command(
        after_help = "Examples:\n  toolup reconcile\n  toolup reconcile --aggressive --dry-run"
    )]
    Reconcile {
        tools: Vec<String>,
        /// Remove the non-preferred copies through their own package managers
        /// (never a system-critical tool); lists them and asks first.
        #[arg(long)]
        aggressive: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Show the history of installs, upgrades and rollbacks.
    #[command(after_help = "Examples:\n  toolup history\n  toolup history --format json")]
    History,
    /// Install a binary from a GitHub release (what `install`'s github manager runs).
    #[command(hide = true)]
    FetchRelease {
        /// OWNER/REPO, or OWNER/REPO:BINARY when the binary is not named after the repository.
        package: String,
        #[arg(long)]
        tag: Option<String>,
        /// Remove the placed binary instead.
        #[arg(long)]
        remove: bool,
    },
    /// Restore the files the last upgrade of TOOL replaced.
    #[command(after_help = "Examples:\n  toolup rollback ripgrep")]
    Rollback { tool: String },
    /// Trust a project's .toolup.toml as it is now, so it may also set
    /// sources, managers, pins, presets, environment, breaking changes and
    /// backups (an edited file is untrusted again).
    #[command(
        after_help = "Examples:\n  toolup trust\n  toolup trust --untrust path/to/.toolup.toml"
    )]
    Trust {
        /// The file, or a directory holding one [default: the nearest
        /// .toolup.toml from the working directory up].
        path: Option<PathBuf>,
        /// Forget the trust instead.
        #[arg(long)]
        untrust: bool,
    },
    /// The whole system: what apt, npm -g, rustup, cargo, pipx, uv tools and
    /// the other updaters would update (`--only` names updaters here).
    #[command(
        after_help = "Examples:\n  toolup system check\n  toolup system check --only apt,npm --format json --fail-on security"
    )]
    System {
        #[command(subcommand)]
        action: SystemAction,
    },
    /// Many hosts over ssh: the host list (hosts.toml or an Ansible
    /// inventory) and the hosts a command selects from it.
    #[command(
        after_help = "Examples:\n  toolup fleet hosts @web --limit 'web:&prod:!web03'\n  toolup fleet hosts --inventory inventory.yml --format json"
    )]
    Fleet {
        #[command(subcommand)]
        command: FleetCommand,
    },
    /// Run `system update` (or a check, or a fleet) on a systemd timer:
    /// units verified by systemd-analyze before they are enabled.
    #[command(
        after_help = "Examples:\n  sudo toolup schedule enable --on weekly\n  toolup schedule enable --user --on daily -- --only rustup,cargo\n  toolup schedule status"
    )]
    Schedule {
        #[command(subcommand)]
        action: ScheduleAction,
    },
    /// External updater plugins (manifests in plugins.d/).
    #[command(
        after_help = "Examples:\n  toolup plugins list\n  toolup plugins validate ~/.config/toolup/plugins.d/mine.toml"
    )]
    Plugins {
        #[command(subcommand)]
        action: PluginsAction,
    },
    /// A team's modules (catalog entries and plugins) from a git repository:
    /// synced by schema version, replaced whole, rolled back on failure.
    #[command(
        after_help = "Examples:\n  toolup modules sync --repo https://git.example/team/toolup-modules.git --check-only\n  toolup modules list"
    )]
    Modules {
        #[command(subcommand)]
        action: ModulesAction,
    },
    /// The presets (named sets of tools for `upgrade --preset`) and their tools.
    #[command(
        after_help = "Examples:\n  toolup presets\n  toolup upgrade --missing --preset agent --dry-run"
    )]
    Presets,
    /// Print a shell completion script: `source <(toolup completions bash)`.
    #[command(
        after_help = "Examples:\n  source <(toolup completions bash)\n  toolup completions fish > ~/.config/fish/completions/toolup.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): `toolup man [COMMAND…] | man -l -`, or
    /// write them all with --out DIR.
    #[command(
        after_help = "There is a page per command: toolup(1), toolup-audit(1), toolup-system-update(1), …\n\nExamples:\n  toolup man | man -l -\n  toolup man system update | man -l -\n  toolup man --out ~/.local/share/man/man1"
    )]
    Man {
        /// The command whose page to print, as typed after `toolup`
        /// (`system update` is toolup-system-update(1)) [default: toolup(1)].
        #[arg(value_name = "COMMAND", conflicts_with = "out")]
        command: Vec<String>,
        /// Write every page instead (toolup.1, toolup-audit.1, …) into this
        /// directory, made if missing; an existing page is replaced.
        #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
        out: Option<PathBuf>,
    },
    /// Show the configuration files' merged values and where each came from.
    #[command(after_help = "Examples:\n  toolup config show\n  toolup config path")]
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum PluginsAction {
    /// Every plugin manifest found, and whether it loads.
    List,
    /// One plugin: its manifest and its own answers.
    Info { name: String },
    /// Run the protocol's conformance checks against a manifest's plugin.
    Validate { path: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ModulesAction {
    /// Fetch the repository and install or update the modules whose
    /// schema_version is newer; each is validated, swapped in whole and
    /// checked, and put back if it fails.
    Sync {
        /// The git repository [default: `[modules] repository` in your config].
        #[arg(long, value_name = "URL")]
        repo: Option<String>,
        /// The branch [default: `[modules] branch`, else the repository's default].
        #[arg(long, value_name = "BRANCH")]
        branch: Option<String>,
        /// Report what a sync would do; change nothing.
        #[arg(long)]
        check_only: bool,
        /// Remove installed modules that are no longer in the repository
        /// (they go to the backups, so `rollback` brings one back).
        #[arg(long)]
        prune: bool,
    },
    /// The installed modules: version, enabled, what they add, where from.
    List,
    /// One module: its manifest, source, backup and contents.
    Info { name: String },
    /// Let a module's tools and plugins take part again.
    Enable { name: String },
    /// Keep a module installed but inert: its tools and plugins are left out.
    Disable { name: String },
    /// Swap a module with its backup (the version before its last update).
    Rollback { name: String },
}

#[derive(Debug, Subcommand)]
pub enum SystemAction {
    /// Ask every applicable updater what is pending (read-only, side by
    /// side); save the answer for `system status`.
    Check {
        /// Leave these updaters out (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "UPDATERS")]
        skip: Vec<String>,
        /// Check only what an update would need — the program, root or a
        /// working `sudo -n`, free disk, the manager's locks — changing nothing.
        #[arg(long)]
        validate_only: bool,
    },
    /// Update what `system check` finds pending: side by side where locks
    /// allow, in order, each phase logged, resumable.
    Update {
        /// Leave these updaters out (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "UPDATERS")]
        skip: Vec<String>,
        /// Run only what the last run (or run RUN) left pending, failed or
        /// interrupted.
        #[arg(long, value_name = "RUN", num_args = 0..=1, require_equals = true, default_missing_value = "last")]
        resume: Option<String>,
        /// Only security updates (apt: candidates from a security suite),
        /// and only from updaters that can tell them apart.
        #[arg(long)]
        security_only: bool,
        /// Update now, outside the maintenance windows (`[system] approval`).
        #[arg(long)]
        approve: bool,
        /// Take major upgrades of catalog tools, which are held back by
        /// default (`breaking_changes = "accept"` takes them per tool).
        #[arg(long)]
        allow_major: bool,
        /// A desktop notification at the end (notify-send).
        #[arg(long)]
        notify: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// The last `system check`, with its age; starts no process.
    Status,
    /// The updaters toolup knows, and which apply here.
    Updaters,
    /// The recorded update phases: wall and CPU time, peak RSS, outcome.
    History {
        /// Only this updater's.
        #[arg(long)]
        updater: Option<String>,
        /// The newest N.
        #[arg(long, default_value_t = 50)]
        last: usize,
        /// Draw one run on a time axis instead: a row per updater, its
        /// phases as bars, what it waited for [default: the last run].
        #[arg(long, value_name = "RUN", num_args = 0..=1, default_missing_value = "last")]
        timeline: Option<String>,
        /// Only this host's (a fleet host's name, or this machine's hostname).
        #[arg(long)]
        host: Option<String>,
    },
    /// Per updater and phase: the median time with its interquartile range.
    Stats {
        /// A fleet host's, from the runs `toolup fleet update` recorded
        /// [default: this machine's].
        #[arg(long)]
        host: Option<String>,
    },
    /// A minimal sudoers drop-in for what `system update` runs as root,
    /// checked with `visudo -c`.
    Sudoers {
        /// The user who runs toolup [default: SUDO_USER, then USER].
        #[arg(long)]
        user: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// The hosts selected: where ssh connects, groups, approval and
    /// windows, the remote toolup, where each host was defined.
    Hosts {
        #[command(flatten)]
        selection: FleetSelection,
    },
    /// Each host checks what is pending (`toolup system check` there),
    /// side by side; a row per host, worst first.
    Check {
        #[command(flatten)]
        selection: FleetSelection,
        #[command(flatten)]
        run: FleetRunArgs,
    },
    /// Each host updates what is pending (`toolup system update` there),
    /// honouring its approval and maintenance windows; resumable.
    Update {
        #[command(flatten)]
        selection: FleetSelection,
        #[command(flatten)]
        run: FleetRunArgs,
        /// Update these hosts outside their maintenance windows
        /// (comma-separated names, or `all`).
        #[arg(long, value_delimiter = ',', value_name = "HOSTS")]
        approve: Vec<String>,
        /// Take up the last fleet update: hosts that were interrupted
        /// resume their own run, unreachable ones are tried again.
        #[arg(long)]
        resume: bool,
        /// Only security updates, where the updater can tell them apart.
        #[arg(long)]
        security_only: bool,
        /// Show what each host would update; change and record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not ask before updating.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Each host audits its developer tools (`toolup audit` there).
    Audit {
        #[command(flatten)]
        selection: FleetSelection,
        #[command(flatten)]
        run: FleetRunArgs,
    },
    /// The last result of each host, from this machine's records: connects
    /// to nothing.
    Status {
        #[command(flatten)]
        selection: FleetSelection,
    },
}

/// How a fleet command runs its hosts.
#[derive(Debug, Clone, Args)]
pub struct FleetRunArgs {
    /// Hosts at once.
    #[arg(long, default_value_t = crate::fleet::run::DEFAULT_FORKS, value_name = "N")]
    pub forks: usize,
    /// Copy this toolup to hosts without one (or with one too old), into
    /// the remote user's ~/.cache/toolup/bin, checked by sha256.
    #[arg(long)]
    pub push: bool,
    /// Leave these updaters out on every host (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "UPDATERS")]
    pub skip: Vec<String>,
}

/// Which hosts a fleet command acts on.
#[derive(Debug, Clone, Args)]
pub struct FleetSelection {
    /// Host names, @GROUP for a group's hosts, or ssh config aliases
    /// [default: every host].
    pub hosts: Vec<String>,
    /// An Ansible inventory (INI or YAML) instead of hosts.toml's hosts.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,
    /// Only the hosts these Ansible patterns match: `web:&prod:!web03`, `db*`.
    #[arg(long, value_name = "PATTERN")]
    pub limit: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ScheduleAction {
    /// Write a service and a timer that run toolup with --scheduled,
    /// check them with `systemd-analyze calendar` and `verify`, then
    /// `daemon-reload` and `enable --now`; without systemd, print the
    /// crontab line instead.
    Enable {
        /// When: daily, weekly, monthly, or a systemd calendar expression
        /// ("Mon..Fri 04:00", "Sat *-*-1..7 02:30").
        #[arg(long, value_name = "WHEN", default_value = "daily")]
        on: String,
        /// The user's own units (their toolchains; a check's and a fleet's
        /// default).
        #[arg(long, conflicts_with = "system")]
        user: bool,
        /// System units, run as root (an update's default where an
        /// updater needs root).
        #[arg(long)]
        system: bool,
        /// Run `system check` (or `fleet check`) and notify only when
        /// something is pending.
        #[arg(long)]
        check_only: bool,
        /// Only security updates; with --check-only, notify only when
        /// security updates wait.
        #[arg(long)]
        security_only: bool,
        /// Run `toolup fleet` on these hosts instead (comma-separated;
        /// none: the whole inventory).
        #[arg(long, value_name = "SELECTION", value_delimiter = ',', num_args = 0..)]
        fleet: Option<Vec<String>>,
        /// The schedule's name [default: what and when, e.g. update-daily].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Print the verified units and what would run; write nothing.
        #[arg(long, short = 'n')]
        dry_run: bool,
        /// More arguments for the command it runs (after `--`).
        #[arg(last = true, value_name = "MORE ARGS")]
        more: Vec<String>,
    },
    /// Stop and remove a schedule's units.
    Disable {
        name: String,
        /// The user's schedule of that name.
        #[arg(long, conflicts_with = "system")]
        user: bool,
        /// The system schedule of that name.
        #[arg(long)]
        system: bool,
    },
    /// Each schedule: next run, last run and outcome, and whether systemd
    /// has it enabled.
    Status { name: Option<String> },
    /// The schedules toolup wrote, and what each runs when.
    List,
    /// Wait until the network is up, at most SECS (a schedule's ExecStartPre).
    #[command(hide = true)]
    WaitOnline {
        #[arg(long, value_name = "SECS", default_value_t = 60)]
        timeout: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogAction {
    /// List every tool in the catalog.
    List,
    /// Show one tool's definition.
    Show { name: String },
    /// Check every catalog file (including regexes); exit 2 on the first error.
    Validate,
}

/// Options of commands that change the system.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Print the plan (exact argv, sudo marked) and change nothing.
    #[arg(long, short = 'n')]
    pub dry_run: bool,
    /// Do not ask; required when there is no terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Stop at the first failed action.
    #[arg(long)]
    pub fail_fast: bool,
    /// Undo every action of the run if any fails (restore upgrades, remove installs).
    #[arg(long)]
    pub atomic: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Every setting, its value and the file (or default) it came from.
    Show,
    /// The configuration files read, lowest precedence first.
    Path,
}
