//! Snap: `snap refresh --list` prints `Name Version Rev Size Publisher Notes`,
//! or "All snaps up to date." on stderr.

use crate::system::updater::{Pending, Phase, Updater, argv};

pub struct Snap;

impl Updater for Snap {
    fn id(&self) -> &'static str {
        "snap"
    }
    fn program(&self) -> &'static str {
        "snap"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["snap", "refresh", "--list"])
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .skip_while(|l| !l.starts_with("Name"))
            .skip(1)
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let (name, version) = (words.next()?, words.next()?);
                let mut p = Pending::new(name, None, Some(version));
                p.download_bytes = words.nth(1).and_then(parse_size);
                Some(p)
            })
            .collect())
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["snap", "refresh"])
    }
    fn needs_root(&self) -> bool {
        true
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:snapd", "system:network"],
            Phase::Update => vec!["pkgmgr:snapd"],
        }
    }
}

/// `93MB`, `1.2GB`, `512kB`.
fn parse_size(text: &str) -> Option<u64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let scale = match unit {
        "B" => 1.0,
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return None,
    };
    Some((number * scale) as u64)
}
