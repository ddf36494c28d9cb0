//! What the history store says about past system updates: the recorded
//! phases (`toolup system history`) and, per updater and phase, how long
//! the next one may take (`toolup system stats`).

use std::path::Path;

use serde::Serialize;

use crate::state::store::{Estimate, PhaseRecord, Store};

/// One updater's phase and what its history says it takes.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseStats {
    pub updater: String,
    pub phase: String,
    pub estimate: Estimate,
}

/// The last `last` phases recorded in the store at `path`, of `updater`
/// only when one is named.
pub fn phases(
    path: &Path,
    host: Option<&str>,
    updater: Option<&str>,
    last: usize,
) -> anyhow::Result<Vec<PhaseRecord>> {
    let Some(store) = Store::open_read_only(path).map_err(anyhow::Error::msg)? else {
        return Ok(Vec::new());
    };
    store
        .phases(host, updater, last)
        .map_err(anyhow::Error::msg)
}

/// Every updater and phase the store at `path` has recorded, each with its
/// estimate on `host` (this machine, or a fleet host).
pub fn stats(path: &Path, host: &str) -> anyhow::Result<Vec<PhaseStats>> {
    let Some(store) = Store::open_read_only(path).map_err(anyhow::Error::msg)? else {
        return Ok(Vec::new());
    };
    let kinds = store.kinds().map_err(anyhow::Error::msg)?;
    kinds
        .into_iter()
        .map(|(updater, phase)| {
            let estimate = store
                .estimate(host, &updater, &phase)
                .map_err(anyhow::Error::msg)?;
            Ok(PhaseStats {
                updater,
                phase,
                estimate,
            })
        })
        .collect()
}

/// The run `run_id` (or the newest, for `last`) from the run journals in
/// `runs`.
pub fn run(runs: &Path, run_id: &str) -> anyhow::Result<crate::runner::journal::RunJournal> {
    use crate::runner::journal::RunJournal;
    if run_id == "last" {
        return RunJournal::latest(runs)
            .ok_or_else(|| anyhow::anyhow!("no system update has run yet ({})", runs.display()));
    }
    RunJournal::load(runs, run_id).map_err(anyhow::Error::msg)
}
