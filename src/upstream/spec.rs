//! The `upstream` field of a tool: where its latest release is published,
//! as one `kind:name` or a list of them, asked in order (the first that
//! answers wins), or `none`.

use std::fmt;

use serde::Deserialize;

/// What the upstream layer needs to know of a tool: its name, where its
/// releases are published, and whether pre-releases count.
pub trait Released: Sync {
    fn name(&self) -> &str;
    fn upstreams(&self) -> &Upstreams;
    fn prereleases(&self) -> bool;
}

/// One `kind:ident` source, its kind one of the known upstream sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    kind: &'static str,
    ident: String,
}

impl Upstream {
    /// Parses `github:OWNER/REPO`, `pypi:NAME`, …; the kind must be a known source.
    pub fn parse(text: &str) -> Result<Upstream, String> {
        let (kind, ident) = text
            .split_once(':')
            .ok_or_else(|| format!("expected KIND:NAME or none, got {text:?}"))?;
        let valid = !ident.is_empty()
            && ident
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./@+".contains(c));
        if !valid {
            return Err(format!("invalid name {ident:?} in {text:?}"));
        }
        let source = super::source(kind).ok_or_else(|| {
            format!(
                "unknown upstream kind {kind:?} ({}, none)",
                super::source_kinds().join(", ")
            )
        })?;
        source
            .check(ident)
            .map_err(|why| format!("{why}, got {text:?}"))?;
        Ok(Upstream {
            kind: source.kind(),
            ident: ident.to_owned(),
        })
    }

    /// The source kind (`pypi` in `pypi:ruff`).
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// What the source knows the tool as (`ruff` in `pypi:ruff`).
    pub fn ident(&self) -> &str {
        &self.ident
    }
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.ident)
    }
}

/// A tool's upstreams in the order they are asked; empty means `none`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Upstreams(Vec<Upstream>);

/// `upstream` as written: one value or a list.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum UpstreamField {
    One(String),
    Many(Vec<String>),
}

impl UpstreamField {
    /// Parses every entry; `none` only alone, no source twice.
    pub fn parse(&self) -> Result<Upstreams, String> {
        let texts: Vec<&str> = match self {
            UpstreamField::One(text) => vec![text.as_str()],
            UpstreamField::Many(list) => list.iter().map(String::as_str).collect(),
        };
        if texts == ["none"] {
            return Ok(Upstreams::default());
        }
        if texts.is_empty() {
            return Err("an empty list: write \"none\" when there is no upstream".to_owned());
        }
        let mut out: Vec<Upstream> = Vec::with_capacity(texts.len());
        for text in texts {
            if text == "none" {
                return Err("\"none\" cannot be part of a list".to_owned());
            }
            let upstream = Upstream::parse(text)?;
            if out.contains(&upstream) {
                return Err(format!("{text:?} is listed twice"));
            }
            out.push(upstream);
        }
        Ok(Upstreams(out))
    }
}

impl Upstreams {
    /// Parses one `kind:name` (or `none`), for tests and tools built in code.
    pub fn parse(text: &str) -> Result<Upstreams, String> {
        UpstreamField::One(text.to_owned()).parse()
    }

    /// True for `none`.
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }

    /// The sources in the order they are asked.
    pub fn iter(&self) -> std::slice::Iter<'_, Upstream> {
        self.0.iter()
    }

    /// The source of this kind, if the tool has one.
    pub fn of_kind(&self, kind: &str) -> Option<&Upstream> {
        self.0.iter().find(|u| u.kind == kind)
    }

    /// True when `source` (as written, `kind:name`) is one of these.
    pub fn contains(&self, source: &str) -> bool {
        self.0.iter().any(|u| u.to_string() == source)
    }
}

impl fmt::Display for Upstreams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, u) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{u}")?;
        }
        Ok(())
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
            "debian:tmux",
            "none",
        ] {
            let parsed = Upstreams::parse(text).unwrap();
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed() {
        for (text, why) in [
            (
                "github:ripgrep",
                "github upstream must be github:OWNER/REPO, got \"github:ripgrep\"",
            ),
            ("ftp:x", "unknown upstream kind \"ftp\""),
            ("pypi:", "invalid name \"\" in \"pypi:\""),
            ("pypi:a b", "invalid name \"a b\" in \"pypi:a b\""),
            (
                "github:a/b/c",
                "github upstream must be github:OWNER/REPO, got \"github:a/b/c\"",
            ),
            ("nope", "expected KIND:NAME or none, got \"nope\""),
        ] {
            let error = Upstreams::parse(text).unwrap_err();
            assert!(error.starts_with(why), "{text}: {error}");
        }
    }

    #[test]
    fn lists_keep_their_order_and_refuse_none_and_repeats() {
        let list = UpstreamField::Many(vec![
            "github:BurntSushi/ripgrep".into(),
            "crates:ripgrep".into(),
        ])
        .parse()
        .unwrap();
        assert_eq!(
            list.to_string(),
            "github:BurntSushi/ripgrep, crates:ripgrep"
        );
        assert_eq!(list.of_kind("crates").unwrap().ident(), "ripgrep");
        for (bad, why) in [
            (
                vec!["none".to_owned(), "pypi:x".to_owned()],
                "\"none\" cannot be part of a list",
            ),
            (
                vec!["pypi:x".to_owned(), "pypi:x".to_owned()],
                "\"pypi:x\" is listed twice",
            ),
            (
                vec![],
                "an empty list: write \"none\" when there is no upstream",
            ),
        ] {
            assert_eq!(
                UpstreamField::Many(bad.clone()).parse(),
                Err(why.to_owned()),
                "{bad:?}"
            );
        }
    }
}
