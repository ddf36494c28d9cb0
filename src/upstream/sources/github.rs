//! GitHub: the releases/latest API; tags when a repository has no releases;
//! and two fallbacks that cost no API quota — the `releases/latest` redirect
//! and the releases Atom feed — used first when GitHub has rate-limited this
//! run or when they are what worked last time.

use std::sync::LazyLock;
use std::sync::atomic::Ordering;

use regex::Regex;
use serde::Deserialize;

use super::{Context, Lookup, Query, Release, Source, read_json, read_lines};
use crate::base::env_vars;
use crate::model::Version;
use crate::upstream::addresses::{AddressSpec, Registry};
use crate::upstream::http::{Reply, Request};
use crate::upstream::tags::{highest, tag_to_version};

const API_ACCEPT: &str = "application/vnd.github+json";
pub(super) const API: &str = "github_api";
const WEB: &str = "github";

pub struct Github;

impl Registry for Github {
    fn kind(&self) -> &'static str {
        "github"
    }
    fn label(&self) -> &'static str {
        "GitHub"
    }
    fn addresses(&self) -> &'static [AddressSpec] {
        &[
            AddressSpec {
                key: API,
                variable: env_vars::TOOLUP_GITHUB_API_URL,
                what: "REST API",
                default: Some("https://api.github.com"),
            },
            AddressSpec {
                key: WEB,
                variable: env_vars::TOOLUP_GITHUB_URL,
                what: "web address",
                default: Some("https://github.com"),
            },
        ]
    }
}

impl Source for Github {
    fn check(&self, ident: &str) -> Result<(), String> {
        match ident.split_once('/') {
            Some((owner, repo)) if !owner.is_empty() && !repo.is_empty() && !repo.contains('/') => {
                Ok(())
            }
            _ => Err("github upstream must be github:OWNER/REPO".to_owned()),
        }
    }
    /// `rate_limit` costs no quota and tells what is left.
    fn ping_url(&self, key: &str, base: &str) -> String {
        if key == API {
            format!("{base}/rate_limit")
        } else {
            format!("{base}/")
        }
    }
    fn uses_github_token(&self) -> bool {
        true
    }
    fn lookup(&self, cx: &Context<'_>, q: &Query<'_>, ident: &str) -> Lookup {
        let (owner, repo) = ident.split_once('/').unwrap_or((ident, ident));
        latest(cx, q, owner, repo)
    }
}

/// A release as the API describes it: the fields toolup reads.
#[derive(Deserialize)]
pub(super) struct ApiRelease {
    #[serde(default)]
    pub(super) tag_name: String,
    pub(super) published_at: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ApiTag {
    pub(super) name: String,
}

fn base(cx: &Context<'_>, key: &str) -> Result<String, String> {
    cx.address(&Github, key).map_err(|e| match e {
        Lookup::Failed(reason) => reason,
        _ => String::new(),
    })
}

static ATOM_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"/releases/tag/([^"<>\s]+)""#)
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});

fn latest(cx: &Context<'_>, q: &Query<'_>, owner: &str, repo: &str) -> Lookup {
    let names = [repo, q.tool];
    let quota_free_first = q.hint.is_some_and(|h| h == "redirect" || h == "atom");
    let mut reasons = Vec::new();
    if !quota_free_first && !cx.github_limited.load(Ordering::Relaxed) {
        match api(cx, q, owner, repo, &names) {
            Ok(found) => return found,
            Err(reason) => reasons.push(reason),
        }
    }
    for attempt in [redirect, atom] {
        match attempt(cx, q, owner, repo, &names) {
            Ok(found) => return found,
            Err(reason) => reasons.push(reason),
        }
    }
    if quota_free_first && !cx.github_limited.load(Ordering::Relaxed) {
        match api(cx, q, owner, repo, &names) {
            Ok(found) => return found,
            Err(reason) => reasons.push(reason),
        }
    }
    Lookup::Failed(reasons.join("; "))
}

/// releases/latest, then tags for repositories without releases.
fn api(
    cx: &Context<'_>,
    q: &Query<'_>,
    owner: &str,
    repo: &str,
    names: &[&str],
) -> Result<Lookup, String> {
    let base = base(cx, API)?;
    let url = format!("{base}/repos/{owner}/{repo}/releases/latest");
    let request = Request {
        url: &url,
        accept: API_ACCEPT,
        bearer: cx.github_token,
        if_none_match: q.etag,
        // The quota belongs to the API, not to the host the web fallbacks share.
        quota_scope: Some(&base),
        ..Request::default()
    };
    match cx
        .client
        .fetch(&request, |_, reader| read_json::<ApiRelease>(reader))
    {
        Reply::Ok { body, etag, .. } => {
            if let Some(version) = release_version(&body, names, q.prereleases) {
                return Ok(Lookup::Found(Release {
                    version,
                    published_at: body.published_at,
                    etag,
                    method: "releases_latest",
                }));
            }
            tags(cx, q, owner, repo, names)
        }
        Reply::NotModified => Ok(Lookup::Unchanged),
        Reply::NotFound => tags(cx, q, owner, repo, names),
        Reply::RateLimited { reset } => Err(limited(cx, reset)),
        Reply::Redirect(to) => Err(format!("unexpected redirect to {to}")),
        Reply::Failed(reason) => Err(format!("{url}: {reason}")),
    }
}

fn tags(
    cx: &Context<'_>,
    q: &Query<'_>,
    owner: &str,
    repo: &str,
    names: &[&str],
) -> Result<Lookup, String> {
    let base = base(cx, API)?;
    let url = format!("{base}/repos/{owner}/{repo}/tags?per_page=100");
    let request = Request {
        url: &url,
        accept: API_ACCEPT,
        bearer: cx.github_token,
        quota_scope: Some(&base),
        ..Request::default()
    };
    match cx
        .client
        .fetch(&request, |_, reader| read_json::<Vec<ApiTag>>(reader))
    {
        Reply::RateLimited { reset } => Err(limited(cx, reset)),
        Reply::Ok { body, .. } => {
            highest(body.iter().map(|t| t.name.as_str()), names, q.prereleases)
                .map(|version| Lookup::Found(Release::bare(version, "tags")))
                .ok_or_else(|| format!("{url}: no release tags"))
        }
        other => Err(format!("{url}: {}", other.describe())),
    }
}

/// `github.com/OWNER/REPO/releases/latest` answers with a redirect to the tag.
fn redirect(
    cx: &Context<'_>,
    q: &Query<'_>,
    owner: &str,
    repo: &str,
    names: &[&str],
) -> Result<Lookup, String> {
    let url = format!("{}/{owner}/{repo}/releases/latest", base(cx, WEB)?);
    match cx.client.get(&Request {
        url: &url,
        accept: "text/html",
        no_redirects: true,
        max_body: Some(1 << 20),
        ..Request::default()
    }) {
        Reply::Redirect(location) => {
            let version = location_version(&location, names, q.prereleases)
                .map_err(|why| format!("{url}: {why}"))?;
            Ok(Lookup::Found(Release::bare(version, "redirect")))
        }
        other => Err(format!("{url}: {}", other.describe())),
    }
}

/// The releases Atom feed lists recent releases; the highest stable one wins.
fn atom(
    cx: &Context<'_>,
    q: &Query<'_>,
    owner: &str,
    repo: &str,
    names: &[&str],
) -> Result<Lookup, String> {
    let url = format!("{}/{owner}/{repo}/releases.atom", base(cx, WEB)?);
    let request = Request {
        url: &url,
        accept: "application/atom+xml",
        ..Request::default()
    };
    let read =
        |_: &crate::upstream::http::BodyInfo, reader: &mut dyn std::io::Read| read_atom(reader);
    match cx.client.fetch(&request, read) {
        Reply::Ok { body, .. } => highest(body.iter().map(String::as_str), names, q.prereleases)
            .map(|version| Lookup::Found(Release::bare(version, "atom")))
            .ok_or_else(|| format!("{url}: no release in the feed")),
        other => Err(format!("{url}: {}", other.describe())),
    }
}

/// The version a release names (its tag), stable unless `prereleases`.
pub(super) fn release_version(
    release: &ApiRelease,
    names: &[&str],
    prereleases: bool,
) -> Option<String> {
    tag_to_version(&release.tag_name, names).filter(|v| prereleases || !is_pre(v))
}

/// The version a `releases/latest` redirect names: its `Location` ends in
/// `/releases/tag/TAG`.
pub(super) fn location_version(
    location: &str,
    names: &[&str],
    prereleases: bool,
) -> Result<String, String> {
    let tag = location
        .rsplit_once("/releases/tag/")
        .map(|(_, t)| t)
        .ok_or_else(|| format!("redirect to {location}"))?;
    tag_to_version(tag, names)
        .filter(|v| prereleases || !is_pre(v))
        .ok_or_else(|| format!("tag {tag} is no version"))
}

/// The tags a releases Atom feed links to.
pub(super) fn read_atom(
    reader: &mut dyn std::io::Read,
) -> Result<Vec<String>, crate::upstream::http::BodyError> {
    let mut tags = Vec::new();
    read_lines(reader, |line| {
        tags.extend(
            ATOM_TAG
                .captures_iter(line)
                .filter_map(|c| c.get(1).map(|m| m.as_str().to_owned())),
        );
    })?;
    Ok(tags)
}

/// Marks GitHub's quota as spent for the rest of the run.
fn limited(cx: &Context<'_>, reset: Option<u64>) -> String {
    cx.github_reset.store(reset.unwrap_or(0), Ordering::Relaxed);
    cx.github_limited.store(true, Ordering::Relaxed);
    "GitHub API rate limit reached".to_owned()
}

fn is_pre(version: &str) -> bool {
    Version::parse(version).is_ok_and(|v| v.is_prerelease())
}
