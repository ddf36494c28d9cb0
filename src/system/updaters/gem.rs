//! RubyGems: `gem outdated` prints `name (current < latest)` per gem.

use crate::system::updater::{Pending, Phase, Updater, argv};

pub struct Gem;

/// `name (current < latest)` lines, as gem and sdkman print them.
pub(super) fn older_than(stdout: &str) -> Vec<Pending> {
    stdout
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once(" (")?;
            let (from, to) = rest.trim_end_matches(')').split_once(" < ")?;
            Some(Pending::new(
                name.trim(),
                Some(from.trim()),
                Some(to.trim()),
            ))
        })
        .collect()
}

impl Updater for Gem {
    fn id(&self) -> &'static str {
        "gem"
    }
    fn program(&self) -> &'static str {
        "gem"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["gem", "outdated"])
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(older_than(stdout))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["gem", "update", "--user-install", "--no-document"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["runtime:ruby", "system:network"],
            Phase::Update => vec!["runtime:ruby"],
        }
    }
}
