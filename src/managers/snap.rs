//! Snap: `snap refresh --list` prints `Name Version Rev Size Publisher Notes`,
//! or "All snaps up to date." on stderr. A snap held with `snap refresh
//! --hold` is left alone by a general `snap refresh`, so it is not pending:
//! `snap list` marks it `held` in its notes.

use super::{Manager, Pending, Phase, Updater, argv};

pub struct Snap;

impl Manager for Snap {
    fn id(&self) -> &'static str {
        "snap"
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Updater for Snap {
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
    /// `snap list` notes the held snaps.
    fn held_query(&self) -> Option<Vec<String>> {
        Some(argv(&["snap", "list"]))
    }
    fn is_held(&self, listing: &str, name: &str) -> bool {
        held(listing).iter().any(|h| h == name)
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

/// The snaps `snap list` notes as `held` (`Name Version Rev Tracking
/// Publisher Notes`, notes comma-separated).
fn held(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .skip_while(|l| !l.starts_with("Name"))
        .skip(1)
        .filter_map(|line| {
            let name = line.split_whitespace().next()?;
            let notes = line.split_whitespace().last()?;
            notes
                .split(',')
                .any(|n| n == "held")
                .then(|| name.to_owned())
        })
        .collect()
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

#[cfg(test)]
mod tests {
    #[test]
    fn snap_list_names_the_held_snaps() {
        let listed = "Name        Version        Rev    Tracking       Publisher            Notes\n\
                      checkbox    3.3.0-dev19    5224   22.04/stable   ce-certification-qa  classic,held\n\
                      firefox     126.0          4259   latest/stable  mozilla*             -\n";
        assert_eq!(super::held(listed), ["checkbox"]);
    }
}
