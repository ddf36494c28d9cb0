//! Command-line definitions (clap derive) and dispatch. Each command lives in
//! its own file and receives resolved `Settings` and a `Printer`, never raw clap structs.

mod audit;
mod catalog_cmd;
mod config_cmd;
mod doctor_cmd;
mod env_cmd;
mod history_cmd;
mod latest_cmd;
mod modules_cmd;
mod present;
mod reconcile_cmd;
mod render_cmd;
mod settings;
mod shell_cmd;
mod system_cmd;
mod system_update;
mod trust_cmd;
mod upgrade_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::base::env_vars;
use crate::base::printer::Printer;
use crate::settings::Settings;
use crate::settings::{FailOn, Format};

/// Audit and reconcile the developer tools on this machine.
#[derive(Debug, Parser)]
#[command(name = "toolup", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten, next_help_heading = "Global options")]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every catalog tool, compare with upstream, write the snapshot and print it.
    #[command(
        after_help = "Examples:\n  toolup audit --status outdated,unknown\n  toolup audit --format json --fail-on outdated > tools.json"
    )]
    Audit,
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
    Render,
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
    /// Print the man page (roff): `toolup man | man -l -`.
    #[command(after_help = "Examples:\n  toolup man | man -l -")]
    Man,
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
        /// Run only what the last run left pending, failed or interrupted.
        #[arg(long)]
        resume: bool,
        /// Only security updates (apt: candidates from a security suite),
        /// and only from updaters that can tell them apart.
        #[arg(long)]
        security_only: bool,
        /// Update now, outside the maintenance windows (`[system] approval`).
        #[arg(long)]
        approve: bool,
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
    },
    /// Per updater and phase: the median time with its interquartile range.
    Stats,
    /// A minimal sudoers drop-in for what `system update` runs as root,
    /// checked with `visudo -c`.
    Sudoers {
        /// The user who runs toolup [default: SUDO_USER, then USER].
        #[arg(long)]
        user: Option<String>,
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

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Use this catalog directory instead of the embedded one.
    #[arg(long, global = true, env = env_vars::TOOLUP_CATALOG, value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// The snapshot file [default: the state dir's tools_snapshot.json].
    #[arg(long, global = true, env = env_vars::TOOLUP_SNAPSHOT, value_name = "PATH")]
    pub snapshot: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Only these tools (comma-separated names).
    #[arg(long, global = true, value_delimiter = ',', value_name = "TOOLS")]
    pub only: Vec<String>,
    /// Only tools of this category.
    #[arg(long, global = true, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Only tools in these states (comma-separated): up-to-date, outdated,
    /// not-installed (or missing), unknown, installed (all but not-installed).
    #[arg(long, global = true, value_delimiter = ',', value_name = "STATES")]
    pub status: Vec<String>,
    /// Parallel probes [default: CPU cores + 1].
    #[arg(long, short = 'j', global = true, value_name = "N")]
    pub jobs: Option<usize>,
    /// Seconds before a hanging `--version` is killed.
    /// [default: 10, or `audit.timeout` in a config file]
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Exit 1 when any shown tool is in one of these states.
    #[arg(
        long,
        global = true,
        value_enum,
        value_delimiter = ',',
        value_name = "WHAT"
    )]
    pub fail_on: Vec<FailOn>,
    /// Open no socket at all: latest versions come from the caches.
    #[arg(long, global = true)]
    pub offline: bool,
    /// Fetch latest releases even when the cache is younger than its TTL.
    #[arg(long, global = true)]
    pub refresh: bool,
    /// Do not call a release latest until it is this old (e.g. 3d, 12h).
    #[arg(long, global = true, env = env_vars::TOOLUP_MIN_RELEASE_AGE, value_name = "AGE")]
    pub min_release_age: Option<String>,
    /// Ignore and do not update the probe cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Colour: auto (a terminal, unless NO_COLOR or TERM=dumb; CLICOLOR_FORCE forces it), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = crate::base::color::ColorChoice::Auto)]
    pub color: crate::base::color::ColorChoice,
    /// The same as --color never.
    #[arg(long, global = true, hide = true)]
    pub no_color: bool,
    /// Treat this machine as this kind instead of detecting it.
    #[arg(long, global = true, value_enum, value_name = "KIND")]
    pub environment: Option<crate::base::environment::EnvKind>,
    /// More diagnostics on stderr (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

impl GlobalArgs {
    /// `--color`, with `--no-color` as `never`.
    pub fn color_choice(&self) -> crate::base::color::ColorChoice {
        if self.no_color {
            crate::base::color::ColorChoice::Never
        } else {
            self.color
        }
    }
}

/// What a command concluded.
pub use crate::model::Verdict as Outcome;

/// Parses the command line, runs the command and maps the result to an exit code:
/// 0 success, 1 failure found, 2 usage/config/input error.
pub fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    init_tracing(&cli.global);
    let printer = Printer {
        quiet: cli.global.quiet,
    };
    let result = settings::resolve(&cli.global, !matches!(cli.command, Command::Render)).and_then(
        |settings| {
            if !matches!(cli.command, Command::Trust { .. }) {
                for ignored in &settings.config.ignored {
                    printer.warn(&ignored.message());
                }
                if !matches!(cli.command, Command::Modules { .. }) {
                    for problem in &settings.module_problems {
                        printer.warn(problem);
                    }
                }
            }
            // Acting commands put interrupted actions back themselves; the
            // others say that one is pending.
            if !matches!(
                cli.command,
                Command::Install { .. }
                    | Command::Upgrade { .. }
                    | Command::Reconcile { .. }
                    | Command::Rollback { .. }
                    | Command::FetchRelease { .. }
            ) {
                crate::install::recover_interrupted(&settings, printer, true);
            }
            run(&cli.command, &settings, printer)
        },
    );
    if let Some(peak) = peak_memory_kib() {
        tracing::debug!(peak_rss_kib = peak, "memory");
    }
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failure) => ExitCode::from(1),
        Ok(Outcome::Interrupted) => ExitCode::from(130),
        Err(e) => {
            printer.error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// The formats a command prints, the first its default; any other
/// `--format` is refused rather than silently ignored.
fn formats(command: &Command) -> (&'static str, &'static [Format]) {
    const ALL: &[Format] = &[Format::Table, Format::Json, Format::Markdown];
    const DATA: &[Format] = &[Format::Table, Format::Json];
    const TEXT: &[Format] = &[Format::Table];
    match command {
        Command::Audit => ("audit", ALL),
        Command::Collect { .. } => ("collect", ALL),
        Command::Render => ("render", ALL),
        Command::Latest { .. } => ("latest", DATA),
        Command::Catalog { action } => match action {
            CatalogAction::List => ("catalog list", DATA),
            CatalogAction::Show { .. } => ("catalog show", DATA),
            CatalogAction::Validate => ("catalog validate", TEXT),
        },
        Command::Config { .. } => ("config", DATA),
        Command::Env => ("env", DATA),
        Command::Doctor => ("doctor", DATA),
        Command::Install { .. } => ("install", DATA),
        Command::Upgrade { .. } => ("upgrade", DATA),
        Command::Reconcile { .. } => ("reconcile", DATA),
        Command::History => ("history", DATA),
        Command::Presets => ("presets", DATA),
        Command::Plugins { .. } => ("plugins", DATA),
        Command::Modules { action } => match action {
            ModulesAction::Sync { .. } => ("modules sync", DATA),
            ModulesAction::List => ("modules list", DATA),
            ModulesAction::Info { .. } => ("modules info", DATA),
            ModulesAction::Enable { .. } | ModulesAction::Disable { .. } => ("modules", TEXT),
            ModulesAction::Rollback { .. } => ("modules rollback", TEXT),
        },
        Command::System { action } => match action {
            SystemAction::Check { .. } => ("system check", ALL),
            SystemAction::Status => ("system status", ALL),
            SystemAction::Update { .. } => ("system update", DATA),
            SystemAction::Updaters => ("system updaters", DATA),
            SystemAction::History { .. } => ("system history", DATA),
            SystemAction::Stats => ("system stats", DATA),
            SystemAction::Sudoers { .. } => ("system sudoers", TEXT),
        },
        Command::FetchRelease { .. } => ("fetch-release", TEXT),
        Command::Rollback { .. } => ("rollback", TEXT),
        Command::Trust { .. } => ("trust", TEXT),
        Command::Completions { .. } => ("completions", TEXT),
        Command::Man => ("man", TEXT),
    }
}

fn run(command: &Command, settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let (name, allowed) = formats(command);
    if !allowed.contains(&settings.format) {
        let names: Vec<&str> = allowed.iter().map(|f| f.id()).collect();
        anyhow::bail!(
            "`toolup {name}` prints {}, not {}",
            names.join(" or "),
            settings.format.id()
        );
    }
    match command {
        Command::Audit => audit::run(settings, printer, true, None),
        Command::Collect { update_baseline } => {
            audit::run(settings, printer, false, update_baseline.as_deref())
        }
        Command::Latest { tools } => latest_cmd::run(settings, printer, tools),
        Command::Render => render_cmd::run(settings, printer),
        Command::Catalog { action } => catalog_cmd::run(action, settings, printer),
        Command::Config { action } => match action {
            ConfigAction::Show => config_cmd::show(settings, printer),
            ConfigAction::Path => config_cmd::path(settings, printer),
        },
        Command::Env => env_cmd::run(settings, printer),
        Command::Doctor => doctor_cmd::run(settings, printer),
        Command::Install { tools, via, run } => upgrade_cmd::run(
            settings,
            printer,
            &crate::install::Request {
                tools: tools.clone(),
                wanted: crate::install::Wanted {
                    missing: true,
                    outdated: false,
                },
                dry_run: run.dry_run,
                yes: run.yes,
                fail_fast: run.fail_fast,
                atomic: run.atomic,
                via: via.clone(),
                ..crate::install::Request::default()
            },
        ),
        Command::Upgrade {
            tools,
            missing,
            outdated,
            preset,
            all,
            allow_major,
            via,
            run,
        } => upgrade_cmd::run(
            settings,
            printer,
            &crate::install::Request {
                tools: tools.clone(),
                preset: preset.clone(),
                wanted: crate::install::Wanted {
                    missing: *missing || *all,
                    outdated: *outdated || *all || !*missing,
                },
                dry_run: run.dry_run,
                yes: run.yes,
                allow_major: *allow_major,
                fail_fast: run.fail_fast,
                atomic: run.atomic,
                via: via.clone(),
            },
        ),
        Command::History => history_cmd::history(settings, printer),
        Command::FetchRelease {
            package,
            tag,
            remove,
        } => fetch_release(settings, printer, package, tag.as_deref(), *remove),
        Command::Reconcile {
            tools,
            aggressive,
            run,
        } => reconcile_cmd::run(
            settings,
            printer,
            &reconcile_cmd::Request {
                tools: tools.clone(),
                aggressive: *aggressive,
                dry_run: run.dry_run,
                yes: run.yes,
            },
        ),
        Command::Rollback { tool } => history_cmd::rollback(settings, printer, tool),
        Command::Completions { shell } => shell_cmd::completions(settings, printer, *shell),
        Command::Man => shell_cmd::man(printer),
        Command::Presets => catalog_cmd::presets(settings, printer),
        Command::Modules { action } => match action {
            ModulesAction::Sync {
                repo,
                branch,
                check_only,
                prune,
            } => modules_cmd::sync(
                settings,
                printer,
                &modules_cmd::SyncArgs {
                    repo: repo.as_deref(),
                    branch: branch.as_deref(),
                    check_only: *check_only,
                    prune: *prune,
                },
            ),
            ModulesAction::List => modules_cmd::list(settings, printer),
            ModulesAction::Info { name } => modules_cmd::info(settings, printer, name),
            ModulesAction::Enable { name } => {
                modules_cmd::set_enabled(settings, printer, name, true)
            }
            ModulesAction::Disable { name } => {
                modules_cmd::set_enabled(settings, printer, name, false)
            }
            ModulesAction::Rollback { name } => modules_cmd::rollback(settings, printer, name),
        },
        Command::Plugins { action } => match action {
            PluginsAction::List => system_cmd::plugins_list(settings, printer),
            PluginsAction::Info { name } => system_cmd::plugins_info(settings, printer, name),
            PluginsAction::Validate { path } => {
                system_cmd::plugins_validate(settings, printer, path)
            }
        },
        Command::System { action } => match action {
            SystemAction::Check {
                skip,
                validate_only: true,
            } => system_cmd::validate_only(settings, printer, skip),
            SystemAction::Check { skip, .. } => system_cmd::check(settings, printer, skip),
            SystemAction::Status => system_cmd::status(settings, printer),
            SystemAction::Update {
                skip,
                resume,
                security_only,
                approve,
                notify,
                run,
            } => system_update::run(
                settings,
                printer,
                &crate::system::update::Request {
                    skip: skip.clone(),
                    dry_run: run.dry_run,
                    resume: *resume,
                    security_only: *security_only,
                    approve: *approve,
                    notify: *notify,
                },
                run.yes,
            ),
            SystemAction::Updaters => system_cmd::updaters(settings, printer),
            SystemAction::History { updater, last } => {
                system_cmd::history(settings, printer, updater.as_deref(), *last)
            }
            SystemAction::Stats => system_cmd::stats(settings, printer),
            SystemAction::Sudoers { user } => {
                system_update::sudoers(settings, printer, user.as_deref())
            }
        },
        Command::Trust { path, untrust } => {
            trust_cmd::run(settings, printer, path.as_deref(), *untrust)
        }
    }
}

/// glibc gives every thread that allocates its own arena, and keeps what
/// each arena once held: with sixteen lookup threads that is 4 MiB of peak
/// RSS for nothing (bench/upstream.sh). Two arenas are plenty for threads
/// that mostly wait on sockets and child processes.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// This process's peak resident set size (Linux `VmHWM`), for benchmarks.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn fetch_release(
    settings: &Settings,
    printer: Printer,
    package: &str,
    tag: Option<&str>,
    remove: bool,
) -> anyhow::Result<Outcome> {
    let done = crate::managers::github_release::command(
        &settings.addresses(),
        settings.offline,
        package,
        tag,
        remove,
    )
    .map_err(anyhow::Error::msg)?;
    printer.note(&done);
    Ok(Outcome::Success)
}

fn init_tracing(args: &GlobalArgs) {
    let level = match (args.quiet, args.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    // The HTTP and TLS libraries log whole requests (headers included) at
    // their debug and trace levels: they stay at warn whatever TOOLUP_LOG
    // says, unless it names them itself. Every line is scrubbed regardless.
    let asked = std::env::var(env_vars::TOOLUP_LOG).ok();
    let mut directives = asked
        .clone()
        .unwrap_or_else(|| format!("warn,toolup={level}"));
    for library in ["ureq", "ureq_proto", "rustls", "rustls_platform_verifier"] {
        if !asked.as_deref().is_some_and(|a| a.contains(library)) {
            directives.push_str(&format!(",{library}=warn"));
        }
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("warn,toolup={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(crate::base::secrets::ScrubbedStderr)
        .with_ansi(crate::base::color::enabled(
            args.color_choice(),
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
        ))
        .without_time()
        .with_target(false)
        .try_init();
}
