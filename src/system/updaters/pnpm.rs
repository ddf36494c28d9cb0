//! pnpm global packages: `pnpm outdated --global --format json`, the same
//! `{name: {current, latest}}` document as npm's (exit 1 when outdated).

use crate::system::updater::{Pending, Phase, Updater, argv};

pub struct Pnpm;

impl Updater for Pnpm {
    fn id(&self) -> &'static str {
        "pnpm"
    }
    fn program(&self) -> &'static str {
        "pnpm"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["pnpm", "outdated", "--global", "--format", "json"])
    }
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 1
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        super::npm::parse_outdated("pnpm", stdout)
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["pnpm", "update", "--global", "--latest"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["runtime:node", "system:network"],
            Phase::Update => vec!["runtime:node"],
        }
    }
    fn runs_after(&self) -> &'static [&'static str] {
        &["npm"]
    }
}
