//! The documents registries answer with, read as each source's lookup
//! reads them, without the network: a PyPI Simple page (JSON or HTML), an
//! npm packument or dist-tags, a crate's index file or web API document,
//! `cargo info`'s text, a GitHub release, tags, Atom feed or redirect, a
//! GitLab release list, a GNU listing, Debian's `Sources`. One function per
//! document, each calling the reader and the choice its lookup calls, so
//! the fuzz targets (fuzz/targets/registry_*.rs) exercise exactly them.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use super::{crates, debian, github, gitlab, gnu, npm, pypi, read_json};
use crate::upstream::tags::highest;

/// What a document answers: the latest version and, when the registry
/// says, when it was published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub version: String,
    pub published_at: Option<String>,
}

/// One release a listing holds, before the choice: its version and
/// whether it may be chosen at all (not yanked, not upcoming).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub version: String,
    pub live: bool,
}

fn why(e: crate::upstream::http::BodyError) -> String {
    match e {
        crate::upstream::http::BodyError::Transfer(s)
        | crate::upstream::http::BodyError::Malformed(s) => s,
    }
}

fn answer((version, published_at): (String, Option<String>)) -> Answer {
    Answer {
        version,
        published_at,
    }
}

fn bare(version: String) -> Answer {
    Answer {
        version,
        published_at: None,
    }
}

/// A PEP 691 (JSON) or PEP 503 (HTML) project page of `project`: every
/// version its files name, and the newest live one, stable unless
/// `prereleases`, no younger than `cutoff` allows.
pub fn pypi(
    body: &[u8],
    json: bool,
    project: &str,
    prereleases: bool,
    cutoff: Option<SystemTime>,
) -> Result<(Vec<Listed>, Option<Answer>), String> {
    let mut reader = body;
    let releases = if json {
        pypi::read_simple_json(&mut reader, project)
    } else {
        pypi::read_html(&mut reader, project)
    }
    .map_err(why)?;
    let listed = releases
        .iter()
        .map(|(version, files)| Listed {
            version: version.clone(),
            live: files.live,
        })
        .collect();
    Ok((
        listed,
        pypi::newest(releases, prereleases, cutoff).map(answer),
    ))
}

/// An npm packument (full or abbreviated) or, with `dist_tags`, the
/// package's dist-tags document (which answers only when it has `latest`).
pub fn npm(body: &[u8], dist_tags: bool, prereleases: bool) -> Result<Option<Answer>, String> {
    let mut reader = body;
    let doc = if dist_tags {
        let tags: BTreeMap<String, String> = read_json(&mut reader).map_err(why)?;
        if !tags.contains_key("latest") {
            return Ok(None);
        }
        npm::Doc {
            dist_tags: tags,
            time: BTreeMap::new(),
        }
    } else {
        read_json(&mut reader).map_err(why)?
    };
    Ok(npm::answer(&doc, prereleases).map(answer))
}

/// A crate's sparse-index file: the newest non-yanked version, stable
/// unless `prereleases`, and how many lines were no index lines.
pub fn crates_index(body: &[u8], prereleases: bool) -> Result<(Option<String>, usize), String> {
    let mut reader = body;
    crates::read_index(&mut reader, prereleases).map_err(why)
}

/// The crates web API's document of one crate; the error names the
/// missing field.
pub fn crates_api(body: &[u8], prereleases: bool) -> Result<Answer, String> {
    let mut reader = body;
    let doc: crates::ApiDoc = read_json(&mut reader).map_err(why)?;
    crates::api_answer(doc, prereleases)
        .map(answer)
        .map_err(str::to_owned)
}

/// What `cargo info NAME` printed: the version it names.
pub fn cargo_info(text: &str) -> Option<String> {
    crates::cargo_info_version(text)
}

/// GitHub's `releases/latest` answer for a tool called one of `names`.
pub fn github_release(
    body: &[u8],
    names: &[&str],
    prereleases: bool,
) -> Result<Option<Answer>, String> {
    let mut reader = body;
    let release: github::ApiRelease = read_json(&mut reader).map_err(why)?;
    Ok(
        github::release_version(&release, names, prereleases).map(|version| Answer {
            version,
            published_at: release.published_at,
        }),
    )
}

/// GitHub's tags list: the highest version a tag names.
pub fn github_tags(
    body: &[u8],
    names: &[&str],
    prereleases: bool,
) -> Result<Option<Answer>, String> {
    let mut reader = body;
    let tags: Vec<github::ApiTag> = read_json(&mut reader).map_err(why)?;
    Ok(highest(tags.iter().map(|t| t.name.as_str()), names, prereleases).map(bare))
}

/// A releases Atom feed: the highest version its release links name.
pub fn github_atom(
    body: &[u8],
    names: &[&str],
    prereleases: bool,
) -> Result<Option<Answer>, String> {
    let mut reader = body;
    let tags = github::read_atom(&mut reader).map_err(why)?;
    Ok(highest(tags.iter().map(String::as_str), names, prereleases).map(bare))
}

/// The `Location` of a `releases/latest` redirect.
pub fn github_location(
    location: &str,
    names: &[&str],
    prereleases: bool,
) -> Result<Answer, String> {
    github::location_version(location, names, prereleases).map(bare)
}

/// A GitLab project's releases: every release listed, and the newest
/// that is not upcoming, stable unless `prereleases`.
pub fn gitlab(
    body: &[u8],
    names: &[&str],
    prereleases: bool,
) -> Result<(Vec<Listed>, Option<Answer>), String> {
    let mut reader = body;
    let releases: Vec<gitlab::ApiRelease> = read_json(&mut reader).map_err(why)?;
    let listed = releases
        .iter()
        .filter_map(|r| {
            Some(Listed {
                version: crate::upstream::tags::tag_to_version(&r.tag_name, names)?,
                live: !r.upcoming_release,
            })
        })
        .collect();
    Ok((
        listed,
        gitlab::newest(releases, names, prereleases).map(answer),
    ))
}

/// A GNU release directory's listing of `project`: its tarballs' stems and
/// the highest version among them.
pub fn gnu(
    body: &[u8],
    project: &str,
    prereleases: bool,
) -> Result<(Vec<String>, Option<Answer>), String> {
    let mut reader = body;
    let stems = gnu::read_listing(&mut reader, project).map_err(why)?;
    let best = highest(stems.iter().map(String::as_str), &[project], prereleases).map(bare);
    Ok((stems, best))
}

/// Debian's `Sources` (uncompressed): the newest Debian version of each
/// wanted package, and the upstream version each holds.
pub fn debian(
    body: &[u8],
    wanted: &BTreeSet<String>,
) -> Result<BTreeMap<String, (String, Option<String>)>, String> {
    let versions = debian::parse_sources(body, wanted).map_err(|e| e.to_string())?;
    Ok(versions
        .into_iter()
        .map(|(package, version)| {
            let upstream = debian::upstream_version(&version);
            (package, (version, upstream))
        })
        .collect())
}
