//! `toolup trust [PATH] [--untrust]`: record (or forget) that the user
//! trusts a project's `.toolup.toml` as it is now.

use std::path::Path;

use anyhow::{Context, bail};

use crate::base::printer::{Printer, visible};
use crate::config::{PROJECT_FILE, TrustStore, trust::find_project_file};
use crate::settings::Settings;

use super::Outcome;

pub fn run(
    settings: &Settings,
    printer: Printer,
    path: Option<&Path>,
    untrust: bool,
) -> anyhow::Result<Outcome> {
    let Some(dirs) = &settings.dirs else {
        bail!("no home directory: nowhere to record trust");
    };
    let file = match path {
        Some(p) if p.is_dir() => p.join(PROJECT_FILE),
        Some(p) => p.to_path_buf(),
        None => {
            let cwd = std::env::current_dir().context("the working directory")?;
            find_project_file(&cwd)
                .with_context(|| format!("no {PROJECT_FILE} in {} or above it", cwd.display()))?
        }
    };
    let mut store = TrustStore::load(Some(&dirs.state));
    if untrust {
        let was = store.untrust(&file);
        store
            .save(&dirs.state)
            .with_context(|| format!("writing {}", dirs.state.display()))?;
        let shown = visible(&file.display().to_string()).into_owned();
        printer.note(&if was {
            format!("no longer trusted: {shown}")
        } else {
            format!("was not trusted: {shown}")
        });
        return Ok(Outcome::Success);
    }
    if !file.is_file() {
        bail!("{}: no such file", file.display());
    }
    let (canonical, hash) = store
        .trust(&file)
        .with_context(|| format!("reading {}", file.display()))?;
    store
        .save(&dirs.state)
        .with_context(|| format!("writing {}", dirs.state.display()))?;
    printer.note(&format!(
        "trusted {} (sha256 {}); editing it makes it untrusted again",
        visible(&canonical.display().to_string()),
        &hash[..12]
    ));
    Ok(Outcome::Success)
}
