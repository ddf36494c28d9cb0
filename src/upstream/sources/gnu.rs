//! GNU: the project's release directory listing, newest tarball.

use std::sync::LazyLock;

use regex::Regex;

use super::{Context, Lookup, Query, Release, Source, fetch_with, read_lines};
use crate::base::env_vars;
use crate::upstream::addresses::{AddressSpec, Registry};
use crate::upstream::http::Request;
use crate::upstream::tags::highest;

static TARBALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"href="([A-Za-z0-9_+.-]+?)\.tar\.(?:gz|xz|bz2|lz|zst)""#)
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});

pub struct Gnu;

impl Registry for Gnu {
    fn kind(&self) -> &'static str {
        "gnu"
    }
    fn label(&self) -> &'static str {
        "GNU"
    }
    fn addresses(&self) -> &'static [AddressSpec] {
        &[AddressSpec {
            key: "gnu",
            variable: env_vars::TOOLUP_GNU_URL,
            what: "release directory",
            default: Some("https://ftp.gnu.org/gnu"),
        }]
    }
}

impl Source for Gnu {
    fn lookup(&self, cx: &Context<'_>, q: &Query<'_>, project: &str) -> Lookup {
        let base = match cx.address(self, "gnu") {
            Ok(url) => url,
            Err(missing) => return missing,
        };
        let url = format!("{base}/{project}/");
        let request = Request {
            url: &url,
            accept: "text/html",
            if_none_match: q.etag,
            max_body: Some(8 << 20),
            ..Request::default()
        };
        let read = |_: &crate::upstream::http::BodyInfo, reader: &mut dyn std::io::Read| {
            read_listing(reader, project)
        };
        let (stems, etag) = match fetch_with(cx, &request, read) {
            Ok(found) => found,
            Err(outcome) => return outcome,
        };
        match highest(stems.iter().map(String::as_str), &[project], q.prereleases) {
            Some(version) => Lookup::Found(Release {
                etag,
                ..Release::bare(version, "directory_listing")
            }),
            None => Lookup::Failed(format!("{url}: no {project}-VERSION tarball")),
        }
    }
}

/// The tarballs of `project` a release directory's listing links to, by
/// their stems (`bash-5.2.37`).
pub(super) fn read_listing(
    reader: &mut dyn std::io::Read,
    project: &str,
) -> Result<Vec<String>, crate::upstream::http::BodyError> {
    let prefix = format!("{project}-");
    let mut stems = Vec::new();
    read_lines(reader, |line| {
        stems.extend(
            TARBALL
                .captures_iter(line)
                .filter_map(|c| c.get(1).map(|m| m.as_str()))
                .filter(|stem| stem.starts_with(&prefix))
                .map(str::to_owned),
        );
    })?;
    Ok(stems)
}
