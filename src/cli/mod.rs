//! Command-line definitions (clap derive) and dispatch. Each command lives in
//! its own file and receives resolved `Settings` and a `Printer`, never raw clap structs.

mod args;
mod audit;
mod catalog_cmd;
mod config_cmd;
mod doctor_cmd;
mod env_cmd;
mod fleet_cmd;
mod history_cmd;
mod latest_cmd;
mod modules_cmd;
mod reconcile_cmd;
mod render_cmd;
mod schedule_cmd;
mod shell_cmd;
mod system_cmd;
mod system_update;
mod trust_cmd;
mod upgrade_cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::base::printer::Printer;
use crate::settings::Format;
use crate::settings::Settings;

pub use args::{
    CatalogAction, Cli, Command, ConfigAction, FleetCommand, FleetSelection, ModulesAction,
    PluginsAction, RunArgs, ScheduleAction, SystemAction,
};

/// What a command concluded.
pub use crate::model::Verdict as Outcome;

/// Parses the command line, runs the command and maps the result to an exit code:
/// 0 success, 1 failure found, 2 usage/config/input error.
pub fn main() -> ExitCode {
    crate::base::host::limit_malloc_arenas();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    crate::base::diagnostics::init(
        cli.global.quiet,
        cli.global.verbose,
        cli.global.color_choice(),
    );
    if cli.global.stop_when_stdin_closes {
        crate::exec::interrupt::when_stdin_closes();
    }
    if cli.global.scheduled {
        crate::render::ask::ask_nobody();
    }
    let printer = Printer {
        quiet: cli.global.quiet,
    };
    let result =
        crate::settings::resolve(&cli.global, !matches!(cli.command, Command::Render { .. }))
            .and_then(|settings| {
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
            });
    if let Some(peak) = crate::base::host::peak_memory_kib() {
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
        Command::Audit { .. } => ("audit", ALL),
        Command::Collect { .. } => ("collect", ALL),
        Command::Render { .. } => ("render", ALL),
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
            SystemAction::Stats { .. } => ("system stats", DATA),
            SystemAction::Sudoers { .. } => ("system sudoers", TEXT),
        },
        Command::Fleet { command } => match command {
            FleetCommand::Hosts { .. } => ("fleet hosts", ALL),
            FleetCommand::Check { .. } => ("fleet check", ALL),
            FleetCommand::Update { .. } => ("fleet update", ALL),
            FleetCommand::Audit { .. } => ("fleet audit", ALL),
            FleetCommand::Status { .. } => ("fleet status", ALL),
        },
        Command::Schedule { action } => match action {
            ScheduleAction::Disable { .. } | ScheduleAction::WaitOnline { .. } => {
                ("schedule", TEXT)
            }
            _ => ("schedule", DATA),
        },
        Command::FetchRelease { .. } => ("fetch-release", TEXT),
        Command::Rollback { .. } => ("rollback", TEXT),
        Command::Trust { .. } => ("trust", TEXT),
        Command::Completions { .. } => ("completions", TEXT),
        Command::Man { .. } => ("man", TEXT),
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
        Command::Audit { all } => audit::run(settings, printer, Some(*all), None),
        Command::Collect { update_baseline } => {
            audit::run(settings, printer, None, update_baseline.as_deref())
        }
        Command::Latest { tools } => latest_cmd::run(settings, printer, tools),
        Command::Render { all } => render_cmd::run(settings, printer, *all),
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
        } => {
            let addresses = settings.addresses();
            let (offline, tag) = (settings.offline, tag.as_deref());
            let done = crate::managers::github_release::command(
                &addresses, offline, package, tag, *remove,
            );
            printer.note(&done.map_err(anyhow::Error::msg)?);
            Ok(Outcome::Success)
        }
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
        Command::Man { command, out } => shell_cmd::man(printer, command, out.as_deref()),
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
                allow_major,
                notify,
                run,
            } => system_update::run(
                &Settings {
                    allow_major: *allow_major,
                    ..settings.clone()
                },
                printer,
                &crate::system::update::Request {
                    skip: skip.clone(),
                    dry_run: run.dry_run,
                    resume: resume.clone(),
                    security_only: *security_only,
                    approve: *approve,
                    notify: *notify,
                },
                run.yes,
            ),
            SystemAction::Updaters => system_cmd::updaters(settings, printer),
            SystemAction::History {
                timeline: Some(run),
                ..
            } => system_cmd::timeline(settings, printer, run),
            SystemAction::History {
                updater,
                last,
                host,
                ..
            } => system_cmd::history(
                settings,
                printer,
                host.as_deref(),
                updater.as_deref(),
                *last,
            ),
            SystemAction::Stats { host } => system_cmd::stats(settings, printer, host.as_deref()),
            SystemAction::Sudoers { user } => {
                system_update::sudoers(settings, printer, user.as_deref())
            }
        },
        Command::Fleet { command } => match command {
            FleetCommand::Hosts { selection } => fleet_cmd::hosts(settings, printer, selection),
            FleetCommand::Status { selection } => fleet_cmd::status(settings, printer, selection),
            run => fleet_cmd::run(settings, printer, run),
        },
        Command::Schedule { action } => schedule_cmd::run(action, settings, printer),
        Command::Trust { path, untrust } => {
            trust_cmd::run(settings, printer, path.as_deref(), *untrust)
        }
    }
}
