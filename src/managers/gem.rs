//! gem: RubyGems, installed for the user.
//!
//! RubyGems: `gem outdated` prints `name (current < latest)` per gem.

use super::{Ecosystem, Installer, Manager, Pending, Phase, Stage, Updater, argv, user_level};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Gem;

impl Manager for Gem {
    fn id(&self) -> &'static str {
        "gem"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Gem {
    fn install_key(&self) -> &'static str {
        "gem"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Ruby
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(10, environment)
    }
    fn program(&self) -> &'static str {
        "gem"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let mut args = argv(&["gem", "install", "--user-install", "--no-document", package]);
        if let Some(v) = version {
            args.extend(argv(&["--version", v]));
        }
        args
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        match version {
            Some(_) => self.install(package, version),
            None => argv(&["gem", "update", "--user-install", "--no-document", package]),
        }
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["gem", "uninstall", "--executables", package])
    }
    fn method(&self) -> Method {
        Method::Gem
    }
}

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
    fn stage(&self) -> Stage {
        Stage::Toolchain
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
