//! The `upstream` field of a tool: where its latest release is published.

use std::fmt;

/// A parsed `upstream = "kind:ident"` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upstream {
    Github { owner: String, repo: String },
    Gitlab { project: String },
    Pypi(String),
    Crates(String),
    Npm(String),
    Gnu(String),
    None,
}

impl Upstream {
    /// Parses `github:OWNER/REPO`, `pypi:NAME`, …, or `none`.
    pub fn parse(text: &str) -> Result<Upstream, String> {
        if text == "none" {
            return Ok(Upstream::None);
        }
        let (kind, ident) = text
            .split_once(':')
            .ok_or_else(|| format!("expected KIND:NAME or none, got {text:?}"))?;
        let valid = !ident.is_empty()
            && ident
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./@".contains(c));
        if !valid {
            return Err(format!("invalid name {ident:?} in {text:?}"));
        }
        let owned = ident.to_owned();
        match kind {
            "github" => match ident.split_once('/') {
                Some((owner, repo))
                    if !owner.is_empty() && !repo.is_empty() && !repo.contains('/') =>
                {
                    Ok(Upstream::Github {
                        owner: owner.to_owned(),
                        repo: repo.to_owned(),
                    })
                }
                _ => Err(format!(
                    "github upstream must be github:OWNER/REPO, got {text:?}"
                )),
            },
            "gitlab" if ident.contains('/') => Ok(Upstream::Gitlab { project: owned }),
            "gitlab" => Err(format!(
                "gitlab upstream must be gitlab:GROUP/PROJECT, got {text:?}"
            )),
            "pypi" => Ok(Upstream::Pypi(owned)),
            "crates" => Ok(Upstream::Crates(owned)),
            "npm" => Ok(Upstream::Npm(owned)),
            "gnu" => Ok(Upstream::Gnu(owned)),
            other => Err(format!(
                "unknown upstream kind {other:?} (github, gitlab, pypi, crates, npm, gnu, none)"
            )),
        }
    }
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Upstream::Github { owner, repo } => write!(f, "github:{owner}/{repo}"),
            Upstream::Gitlab { project } => write!(f, "gitlab:{project}"),
            Upstream::Pypi(n) => write!(f, "pypi:{n}"),
            Upstream::Crates(n) => write!(f, "crates:{n}"),
            Upstream::Npm(n) => write!(f, "npm:{n}"),
            Upstream::Gnu(n) => write!(f, "gnu:{n}"),
            Upstream::None => f.write_str("none"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_and_round_trips() {
        for text in [
            "github:BurntSushi/ripgrep",
            "gitlab:gitlab-org/cli",
            "pypi:black",
            "crates:ripgrep",
            "npm:@biomejs/biome",
            "gnu:parallel",
            "none",
        ] {
            let parsed = Upstream::parse(text).unwrap();
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed() {
        for text in [
            "github:ripgrep",
            "ftp:x",
            "pypi:",
            "pypi:a b",
            "github:a/b/c",
            "nope",
        ] {
            assert!(Upstream::parse(text).is_err(), "{text}");
        }
    }
}
