//! `toolup completions SHELL` and `toolup man [COMMAND…] [--out DIR]`: the
//! words each argument completes to, gathered from this machine's catalog
//! and updaters, and the scripts and pages `render::shell` makes of the
//! clap definitions.

use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;

use crate::base::printer::Printer;
use crate::render::shell;
use crate::settings::Settings;

use super::{Cli, Outcome};

/// `toolup completions SHELL`.
pub fn completions(
    settings: &Settings,
    printer: Printer,
    which: clap_complete::Shell,
) -> anyhow::Result<Outcome> {
    let words = crate::system::completion_words(settings);
    printer.out_verbatim(&shell::completion_script(Cli::command(), which, &words));
    Ok(Outcome::Success)
}

/// `toolup man`: the page of the command `words` names (none: toolup(1));
/// with `out`, every page written into that directory.
pub fn man(printer: Printer, words: &[String], out: Option<&Path>) -> anyhow::Result<Outcome> {
    let pages = shell::pages(Cli::command());
    if let Some(dir) = out {
        crate::state::files::ensure_dir(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        for page in &pages {
            let path = dir.join(page.get_filename());
            crate::state::write_atomic(&path, &shell::roff(page)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        printer.note(&format!(
            "wrote {} man pages to {}",
            pages.len(),
            dir.display()
        ));
        return Ok(Outcome::Success);
    }
    let page = shell::page(&Cli::command(), &pages, words)?;
    printer.out_verbatim(&String::from_utf8_lossy(&shell::roff(page)?));
    Ok(Outcome::Success)
}
