//! `toolup completions SHELL` and `toolup man`: generated from the clap
//! definitions, so they never drift from the real options.
//!
//! Completions offer what an argument takes where it is typed. Under
//! `system`, `--only` and `--skip` (and `system history --updater`) take
//! updater names: the built-ins, the plugins found, `toolup`, and `modules`
//! when a modules repository is configured — every name `--only` accepts,
//! not only those that apply here. Everywhere else `--only` and the tool
//! arguments take the catalog's tool names (and the commands they provide),
//! `--preset` preset names, `--category` the catalog's categories, and
//! `--status` and `--fail-on` the words each command reads.
//!
//! The man pages are one per command: `toolup(1)`, `toolup-audit(1)`,
//! `toolup-system-update(1)`, …, each named in its parent's SUBCOMMANDS.

use std::path::Path;

use anyhow::Context;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, Command, CommandFactory, ValueEnum};

use crate::base::printer::Printer;
use crate::model::Status;
use crate::settings::{FailOn, Settings};

use super::{Cli, Outcome};

/// The subcommands whose positional `tools` take tool names.
const TAKES_TOOLS: &[&str] = &["latest", "install", "upgrade", "reconcile", "rollback"];

/// The `--fail-on` words `system check` reads; the others are the tools'.
const SYSTEM_FAIL_ON: &[FailOn] = &[FailOn::Pending, FailOn::Security, FailOn::Reboot];

/// The CLI definition with what each argument takes attached as its
/// possible values, for the completion scripts.
fn for_completion(settings: &Settings) -> Command {
    let mut cmd = Cli::command();
    cmd = mut_long(cmd, "status", |a| a.value_parser(status_words()));
    cmd = mut_long(cmd, "fail-on", |a| a.value_parser(fail_on_words(false)));
    if let Ok(catalog) = settings.catalog() {
        let mut names: Vec<String> = catalog.tools.iter().map(|t| t.name().to_owned()).collect();
        names.extend(
            catalog
                .tools
                .iter()
                .flat_map(|t| t.spec.bins.iter().cloned()),
        );
        names.sort();
        names.dedup();
        let mut presets: Vec<String> = catalog.presets.keys().cloned().collect();
        presets.extend(settings.config.presets.keys().cloned());
        presets.sort();
        presets.dedup();
        let mut categories: Vec<String> = catalog
            .tools
            .iter()
            .map(|t| t.spec.category.clone())
            .collect();
        categories.sort();
        categories.dedup();
        for sub in TAKES_TOOLS {
            let names = names.clone();
            let arg = if *sub == "rollback" { "tool" } else { "tools" };
            cmd = cmd.mut_subcommand(*sub, |s| {
                s.mut_arg(arg, |a| a.value_parser(PossibleValuesParser::new(names)))
            });
        }
        let shown = names.clone();
        cmd = cmd.mut_subcommand("catalog", |c| {
            c.mut_subcommand("show", |s| {
                s.mut_arg("name", |a| a.value_parser(PossibleValuesParser::new(shown)))
            })
        });
        cmd = cmd.mut_subcommand("upgrade", |s| {
            s.mut_arg("preset", |a| {
                a.value_parser(PossibleValuesParser::new(presets))
            })
        });
        // Unless the definition already lists its values.
        cmd = mut_long(cmd, "category", |a| {
            if a.get_possible_values().is_empty() {
                a.value_parser(PossibleValuesParser::new(categories))
            } else {
                a
            }
        });
        cmd = mut_long(cmd, "only", |a| {
            a.value_parser(PossibleValuesParser::new(names))
        });
    }
    let (updaters, _skipped) = crate::system::available(settings);
    let mut updaters: Vec<String> = updaters.iter().map(|u| u.id().to_owned()).collect();
    updaters.sort();
    updaters.dedup();
    let updaters = PossibleValuesParser::new(updaters);
    cmd = redefine_global(cmd, "system", "only", |a| {
        names_updaters(a).value_parser(updaters.clone())
    });
    cmd = redefine_global(cmd, "system", "fail-on", |a| {
        a.value_parser(fail_on_words(true))
    });
    cmd.mut_subcommand("system", |s| {
        s.mut_subcommand("check", |c| {
            c.mut_arg("skip", |a| a.value_parser(updaters.clone()))
        })
        .mut_subcommand("update", |c| {
            c.mut_arg("skip", |a| a.value_parser(updaters.clone()))
        })
        .mut_subcommand("history", |c| {
            c.mut_arg("updater", |a| a.value_parser(updaters.clone()))
        })
    })
}

/// `f` applied to `cmd`'s argument `--long`, if it has one.
fn mut_long(cmd: Command, long: &str, f: impl FnOnce(Arg) -> Arg) -> Command {
    match find_long(&cmd, long) {
        Some(arg) => {
            let id = arg.get_id().clone();
            cmd.mut_arg(id, f)
        }
        None => cmd,
    }
}

fn find_long<'c>(cmd: &'c Command, long: &str) -> Option<&'c Arg> {
    cmd.get_arguments().find(|a| a.get_long() == Some(long))
}

/// Defines `cmd`'s global `--long` again, changed by `f`, on its
/// subcommand `sub`. When a command is built, clap copies each global
/// argument into every subcommand that does not define one of that id
/// itself (`Command::_propagate_global_args`), and the subcommand then
/// passes its own on down: `sub` and every command under it complete what
/// the changed copy takes, the rest of the tree what `cmd`'s takes.
fn redefine_global(cmd: Command, sub: &str, long: &str, f: impl FnOnce(Arg) -> Arg) -> Command {
    let Some(arg) = find_long(&cmd, long).cloned() else {
        return cmd;
    };
    cmd.mut_subcommand(sub, |s| s.arg(f(arg)))
}

/// `--only` as `system` and its commands read it: updater names.
fn names_updaters(only: Arg) -> Arg {
    only.value_name("UPDATERS")
        .help("Only these updaters (comma-separated names)")
}

/// The words `--status` takes (`missing` is `not-installed`).
fn status_words() -> PossibleValuesParser {
    let mut words: Vec<PossibleValue> = Status::ALL
        .iter()
        .map(|s| match s {
            Status::NotInstalled => PossibleValue::new(s.id()).alias("missing"),
            _ => PossibleValue::new(s.id()),
        })
        .collect();
    words.push(PossibleValue::new("installed").help("every state but not-installed"));
    PossibleValuesParser::new(words)
}

/// The `--fail-on` words of `system check` (`system`), or of the tool commands.
fn fail_on_words(system: bool) -> PossibleValuesParser {
    PossibleValuesParser::new(
        FailOn::value_variants()
            .iter()
            .filter(|f| SYSTEM_FAIL_ON.contains(f) == system)
            .filter_map(ValueEnum::to_possible_value),
    )
}

pub fn completions(
    settings: &Settings,
    printer: Printer,
    shell: clap_complete::Shell,
) -> anyhow::Result<Outcome> {
    let mut cmd = for_completion(settings);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "toolup", &mut out);
    printer.out_verbatim(&String::from_utf8_lossy(&out));
    Ok(Outcome::Success)
}

/// Every man page: toolup(1) first, then each visible command's, parents
/// before their subcommands. The pages' SUBCOMMANDS sections name exactly
/// these (no `help` command, which has no page).
fn pages() -> Vec<clap_mangen::Man> {
    fn walk(cmd: &Command, source: &str, out: &mut Vec<clap_mangen::Man>) {
        out.push(clap_mangen::Man::new(cmd.clone()).source(source));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, source, out);
        }
    }
    // A global setting: no command in the tree gets a `help` subcommand.
    let mut cmd = redefine_global(
        Cli::command().disable_help_subcommand(true),
        "system",
        "only",
        names_updaters,
    );
    cmd.build();
    // Each page's footer, where clap_mangen would put a subcommand's own
    // name and no version.
    let source = format!("toolup {}", cmd.get_version().unwrap_or_default());
    let mut out = Vec::new();
    walk(&cmd, &source, &mut out);
    out
}

/// The page of the command `words` names (none: toolup(1)), printed; or,
/// with `out`, every page written into that directory.
pub fn man(printer: Printer, words: &[String], out: Option<&Path>) -> anyhow::Result<Outcome> {
    let pages = pages();
    if let Some(dir) = out {
        crate::state::files::ensure_dir(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        for page in &pages {
            let path = dir.join(page.get_filename());
            crate::state::write_atomic(&path, &roff(page)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        printer.note(&format!(
            "wrote {} man pages to {}",
            pages.len(),
            dir.display()
        ));
        return Ok(Outcome::Success);
    }
    let mut name = String::from("toolup");
    let mut cmd = Cli::command();
    for word in words {
        let Some(sub) = cmd
            .get_subcommands()
            .find(|s| !s.is_hide_set() && s.get_name() == word)
        else {
            let known: Vec<&str> = cmd
                .get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(Command::get_name)
                .collect();
            anyhow::bail!(
                "`{name}` has no command {:?}{}",
                crate::base::printer::visible(word),
                if known.is_empty() {
                    String::new()
                } else {
                    format!(" (one of {})", known.join(", "))
                }
            );
        };
        name = format!("{name} {word}");
        cmd = sub.clone();
    }
    let file = format!("{}.1", name.replace(' ', "-"));
    let page = pages
        .iter()
        .find(|p| p.get_filename() == file)
        .with_context(|| format!("no man page {file}"))?;
    printer.out_verbatim(&String::from_utf8_lossy(&roff(page)?));
    Ok(Outcome::Success)
}

fn roff(page: &clap_mangen::Man) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    page.render(&mut out)?;
    Ok(out)
}
