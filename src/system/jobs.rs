//! The job graph of a system update: a job per updater — repair (where its
//! manager was left half done), download (where it can separate that),
//! update — each step behind `sudo -n` where root is needed, holding its
//! named locks, ordered by each updater's stage (the team's modules first,
//! toolchains after the system's package managers, toolup's catalog
//! last). Every argv is checked against its updater's whitelist before
//! anything runs.

use crate::base::privilege::{as_root, without_sudo};
use crate::managers::{Phase, Stage, Updater};
use crate::runner::{Job, Step};

/// The jobs for `chosen` updaters; the argv beside an updater replaces
/// its update argv (`--security-only`, or the exact packages it names) and
/// drops its download phase.
pub fn jobs_for(
    chosen: &[(&'static dyn Updater, Option<Vec<String>>)],
) -> anyhow::Result<Vec<Job>> {
    let stages: Vec<(&str, Stage)> = chosen.iter().map(|(u, _)| (u.id(), u.stage())).collect();
    let jobs: Vec<Job> = chosen
        .iter()
        .map(|(u, update)| job(*u, update.as_ref(), &stages))
        .collect();
    for (job, (u, _)) in jobs.iter().zip(chosen) {
        for step in &job.steps {
            u.check_shape(without_sudo(&step.argv))
                .map_err(|e| anyhow::anyhow!("{}: {e}", u.id()))?;
        }
    }
    Ok(jobs)
}

fn job(u: &'static dyn Updater, update: Option<&Vec<String>>, stages: &[(&str, Stage)]) -> Job {
    let sudo = |argv: Vec<String>| as_root(argv, u.needs_root());
    let locks =
        |phase: Phase| -> Vec<String> { u.locks(phase).iter().map(|l| (*l).to_owned()).collect() };
    let mut steps = Vec::new();
    if let Some(argv) = u.repair_argv().filter(|_| u.needs_repair()) {
        steps.push(Step {
            phase: "repair".to_owned(),
            argv: sudo(argv),
            timeout: u.phase_timeout(Phase::Update),
            locks: locks(Phase::Update),
            wait_for: u.lock_files(),
            env: u.phase_env(),
        });
    }
    if let Some(argv) = u.download_argv().filter(|_| update.is_none()) {
        steps.push(Step {
            phase: "download".to_owned(),
            argv: sudo(argv),
            timeout: u.phase_timeout(Phase::Download),
            locks: locks(Phase::Download),
            wait_for: u.lock_files(),
            env: u.phase_env(),
        });
    }
    steps.push(Step {
        phase: "update".to_owned(),
        argv: sudo(update.cloned().unwrap_or_else(|| u.update_argv())),
        timeout: u.phase_timeout(Phase::Update),
        locks: locks(Phase::Update),
        wait_for: u.lock_files(),
        env: u.phase_env(),
    });
    Job {
        id: u.id().to_owned(),
        steps,
        runs_after: runs_after(u, stages),
    }
}

/// What `u` waits for: its own `runs_after`, then by stage — everything
/// after the first stage; toolchains after the system's managers; the
/// last stage after both.
fn runs_after(u: &dyn Updater, stages: &[(&str, Stage)]) -> Vec<String> {
    let waits_for = |other: Stage| match (u.stage(), other) {
        (Stage::First, _) => false,
        (_, Stage::First) => true,
        (Stage::Toolchain, Stage::System) => true,
        (Stage::Last, Stage::System | Stage::Toolchain) => true,
        _ => false,
    };
    let mut after: Vec<String> = u.runs_after().iter().map(|s| (*s).to_owned()).collect();
    for (id, stage) in stages {
        if *id != u.id() && waits_for(*stage) && !after.iter().any(|a| a == id) {
            after.push((*id).to_owned());
        }
    }
    after
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::managers::updater;

    #[test]
    fn toolchains_wait_for_the_system_and_the_catalog_for_both() {
        let chosen: Vec<(&'static dyn Updater, Option<Vec<String>>)> = ["npm", "apt", "flatpak"]
            .iter()
            .map(|id| (updater(id).unwrap(), None))
            .collect();
        let jobs = jobs_for(&chosen).unwrap();
        let after = |id: &str| jobs.iter().find(|j| j.id == id).unwrap().runs_after.clone();
        assert_eq!(after("npm"), ["apt"]);
        assert!(after("apt").is_empty());
        assert!(after("flatpak").is_empty(), "flatpak stands apart");
    }

    #[test]
    fn a_step_outside_the_whitelist_is_refused_before_anything_runs() {
        let apt = updater("apt").unwrap();
        let evil = vec!["apt-get".to_owned(), "remove".to_owned(), "bash".to_owned()];
        let error = jobs_for(&[(apt, Some(evil))]).err().map(|e| e.to_string());
        // The program is named by its absolute path, wherever apt-get is found.
        let error = error.unwrap_or_default();
        assert!(
            error.starts_with("apt: not a command toolup runs apt with: ")
                && error.ends_with("apt-get remove bash"),
            "{error}"
        );
    }
}
