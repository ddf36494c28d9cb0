//! Asking the person at the terminal: a yes/no question, whether anyone
//! is there to ask (a terminal, and not a scheduled run), and whether to go
//! ahead with what changes the system.

use std::io::IsTerminal;

use anyhow::bail;

use crate::base::printer::Printer;

/// Asks a yes/no question on the terminal (no is the default).
pub fn confirm(question: &str) -> bool {
    use std::io::{BufRead, Write};
    let _ = write!(std::io::stderr(), "{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "yes")
}

/// `--scheduled`: nobody is at the terminal, whatever it looks like.
static SCHEDULED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on nothing is asked (`--scheduled`).
pub fn ask_nobody() {
    SCHEDULED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether there is someone to ask: a terminal, and not a scheduled run.
pub fn someone_to_ask() -> bool {
    !SCHEDULED.load(std::sync::atomic::Ordering::SeqCst) && std::io::stdin().is_terminal()
}

/// The library's way to ask: `confirm` where there is a terminal to ask
/// and the run is real, nobody otherwise.
pub fn ask(dry_run: bool) -> crate::install::Ask<'static> {
    (!dry_run && someone_to_ask()).then_some(&confirm)
}

/// Whether to go ahead with what changes the system: `--yes`, or a yes at
/// the terminal; without a terminal to ask, an error that says to pass
/// `--yes`. A no is said and is not an error.
pub fn go_ahead(yes: bool, what: &str, question: &str, printer: Printer) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    if SCHEDULED.load(std::sync::atomic::Ordering::SeqCst) {
        bail!("refusing to {what} without --yes: a scheduled run asks nobody");
    }
    if !std::io::stdin().is_terminal() {
        bail!("refusing to {what} without --yes: there is no terminal to ask");
    }
    if confirm(question) {
        return Ok(true);
    }
    printer.note("nothing was changed");
    Ok(false)
}
