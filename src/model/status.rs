//! A tool's status against its upstream release.

use serde::{Deserialize, Serialize};

use super::Version;

/// The status ids of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    UpToDate,
    Outdated,
    NotInstalled,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::UpToDate,
        Status::Outdated,
        Status::NotInstalled,
        Status::Unknown,
    ];

    /// The id as written in JSON and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Status::UpToDate => "up-to-date",
            Status::Outdated => "outdated",
            Status::NotInstalled => "not-installed",
            Status::Unknown => "unknown",
        }
    }

    /// Parses a status id.
    pub fn from_id(id: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Compares an installed version with the latest one: installed ≥ latest is up to date.
    pub fn compare(installed: &Version, latest: &Version) -> Status {
        if installed >= latest {
            Status::UpToDate
        } else {
            Status::Outdated
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn installed_at_or_above_latest_is_up_to_date() {
        assert_eq!(
            Status::compare(&v("14.1.1"), &v("14.1.1")),
            Status::UpToDate
        );
        assert_eq!(
            Status::compare(&v("14.2.0"), &v("14.1.1")),
            Status::UpToDate
        );
        assert_eq!(Status::compare(&v("9.0.0"), &v("10.0.0")), Status::Outdated);
        assert_eq!(
            Status::compare(&v("1.2.3-rc.1"), &v("1.2.3")),
            Status::Outdated
        );
    }

    #[test]
    fn ids_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_id(s.id()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.id())
            );
        }
    }
}
