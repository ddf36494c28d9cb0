//! Completion scripts and man pages, generated from the command line's
//! clap definitions (handed in), so they never drift from the real options.
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

use anyhow::Context;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, Command, ValueEnum};

use crate::model::Status;
use crate::settings::FailOn;
use crate::system::CompletionWords;

/// The subcommands whose positional `tools` take tool names.
const TAKES_TOOLS: &[&str] = &["latest", "install", "upgrade", "reconcile", "rollback"];

/// The `--fail-on` words `system check` reads; the others are the tools'.
const SYSTEM_FAIL_ON: &[FailOn] = &[FailOn::Pending, FailOn::Security, FailOn::Reboot];

/// The CLI definition with what each argument takes attached as its
/// possible values, for the completion scripts.
fn for_completion(mut cmd: Command, words: &CompletionWords) -> Command {
    cmd = mut_long(cmd, "status", |a| a.value_parser(status_words()));
    cmd = mut_long(cmd, "fail-on", |a| a.value_parser(fail_on_words(false)));
    {
        let names = words.tools.clone();
        let presets = words.presets.clone();
        let categories = words.categories.clone();
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
    let updaters = words.updaters.clone();
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

/// The completion script for `shell` of the command line `cmd`, each
/// argument completing the `words` it takes.
pub fn completion_script(
    cmd: Command,
    shell: clap_complete::Shell,
    words: &CompletionWords,
) -> String {
    let mut cmd = for_completion(cmd, words);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "toolup", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Every man page: toolup(1) first, then each visible command's, parents
/// before their subcommands. The pages' SUBCOMMANDS sections name exactly
/// these (no `help` command, which has no page).
pub fn pages(cmd: Command) -> Vec<clap_mangen::Man> {
    fn walk(cmd: &Command, source: &str, out: &mut Vec<clap_mangen::Man>) {
        out.push(clap_mangen::Man::new(cmd.clone()).source(source));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, source, out);
        }
    }
    // A global setting: no command in the tree gets a `help` subcommand.
    let mut cmd = redefine_global(
        cmd.disable_help_subcommand(true),
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

/// The page of the command `words` names under `cmd` (none: toolup(1)).
pub fn page<'p>(
    cmd: &Command,
    pages: &'p [clap_mangen::Man],
    words: &[String],
) -> anyhow::Result<&'p clap_mangen::Man> {
    let mut name = String::from("toolup");
    let mut cmd = cmd.clone();
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
    pages
        .iter()
        .find(|p| p.get_filename() == file)
        .with_context(|| format!("no man page {file}"))
}

/// A page as roff.
pub fn roff(page: &clap_mangen::Man) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    page.render(&mut out)?;
    Ok(out)
}
