//! `toolup completions SHELL` and `toolup man`: generated from the clap
//! definitions, so they never drift from the real options. Completions
//! offer the catalog's tool names (and the commands they provide) wherever
//! an argument takes a tool, and preset names for `--preset`.

use clap::builder::PossibleValuesParser;
use clap::{Command, CommandFactory};

use crate::base::printer::Printer;
use crate::settings::Settings;

use super::{Cli, Outcome};

/// The subcommands whose positional `tools` take tool names.
const TAKES_TOOLS: &[&str] = &["latest", "install", "upgrade", "reconcile", "rollback"];

/// The CLI definition with the catalog's names attached as completion values.
fn with_names(settings: &Settings) -> Command {
    let mut cmd = Cli::command();
    let Ok(catalog) = settings.catalog() else {
        return cmd;
    };
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
    for sub in TAKES_TOOLS {
        let names = names.clone();
        let arg = if *sub == "rollback" { "tool" } else { "tools" };
        cmd = cmd.mut_subcommand(*sub, |s| {
            s.mut_arg(arg, |a| a.value_parser(PossibleValuesParser::new(names)))
        });
    }
    cmd = cmd.mut_subcommand("upgrade", |s| {
        s.mut_arg("preset", |a| {
            a.value_parser(PossibleValuesParser::new(presets))
        })
    });
    cmd.mut_arg("only", |a| a.value_parser(PossibleValuesParser::new(names)))
}

pub fn completions(
    settings: &Settings,
    printer: Printer,
    shell: clap_complete::Shell,
) -> anyhow::Result<Outcome> {
    let mut cmd = with_names(settings);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "toolup", &mut out);
    printer.out_verbatim(&String::from_utf8_lossy(&out));
    Ok(Outcome::Success)
}

pub fn man(printer: Printer) -> anyhow::Result<Outcome> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    printer.out_verbatim(&String::from_utf8_lossy(&out));
    Ok(Outcome::Success)
}
