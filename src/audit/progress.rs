//! Progress on stderr while collecting — only when stderr is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar for `len` tools, hidden unless `enabled` and stderr is a terminal.
pub fn bar(len: u64, enabled: bool) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} auditing {pos}/{len} tools {wide_bar} {elapsed}")
    {
        bar.set_style(style);
    }
    bar
}
