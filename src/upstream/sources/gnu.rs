//! GNU: the project's release directory listing, newest tarball.

use std::sync::LazyLock;

use regex::Regex;

use super::{Context, Lookup, Query, Release, fetch};
use crate::upstream::tags::highest;

static TARBALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"href="([A-Za-z0-9_+.-]+?)\.tar\.(?:gz|xz|bz2|lz|zst)""#)
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});

pub fn latest(cx: &Context<'_>, q: &Query<'_>, project: &str) -> Lookup {
    let url = format!("{}/{project}/", cx.endpoints.gnu);
    let (body, etag) = match fetch(cx, &url, "text/html", q.etag) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let html = String::from_utf8_lossy(&body);
    let stems: Vec<&str> = TARBALL
        .captures_iter(&html)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .filter(|stem| stem.starts_with(&format!("{project}-")))
        .collect();
    match highest(stems, &[project], q.prereleases) {
        Some(version) => Lookup::Found(Release {
            etag,
            ..Release::bare(version, "directory_listing")
        }),
        None => Lookup::Failed(format!("{url}: no {project}-VERSION tarball")),
    }
}
