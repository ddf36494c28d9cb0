//! `toolup trust [PATH] [--untrust]`: record (or forget) that the user
//! trusts a project's `.toolup.toml` as it is now.

use std::path::Path;

use anyhow::bail;

use crate::base::printer::Printer;
use crate::config::trusting;
use crate::render::trust as view;
use crate::settings::Settings;

use super::Outcome;

/// `toolup trust`.
pub fn run(
    settings: &Settings,
    printer: Printer,
    path: Option<&Path>,
    untrust: bool,
) -> anyhow::Result<Outcome> {
    let Some(dirs) = &settings.dirs else {
        bail!("no home directory: nowhere to record trust");
    };
    let file = trusting::project_file(path)?;
    printer.note(&if untrust {
        view::untrusted(&file, trusting::untrust(&dirs.state, &file)?)
    } else {
        let (canonical, hash) = trusting::trust(&dirs.state, &file)?;
        view::trusted(&canonical, &hash)
    });
    Ok(Outcome::Success)
}
