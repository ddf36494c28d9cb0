//! rustup: `rustup check` (exit 100 when an update is available) prints one
//! line per toolchain: `stable-x86_64-unknown-linux-gnu - update available:
//! 1.95.0 (…) -> 1.99.1 (…)` or `… - Up to date : 1.95.0 (…)`.

use crate::system::updater::{Pending, Phase, Updater, argv};

pub struct Rustup;

impl Updater for Rustup {
    fn id(&self) -> &'static str {
        "rustup"
    }
    fn program(&self) -> &'static str {
        "rustup"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["rustup", "check"])
    }
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 100
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .filter_map(|line| {
                let (name, rest) = line.split_once(" - update available: ")?;
                let (from, to) = rest.split_once(" -> ")?;
                let first = |s: &str| s.split_whitespace().next().map(str::to_owned);
                Some(Pending {
                    name: name.trim().to_owned(),
                    from: first(from),
                    to: first(to),
                    security: false,
                    download_bytes: None,
                })
            })
            .collect())
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["rustup", "update"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["runtime:rust", "system:network"],
            Phase::Update => vec!["runtime:rust"],
        }
    }
}
