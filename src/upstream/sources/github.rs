//! GitHub: the releases/latest API; tags when a repository has no releases;
//! and two fallbacks that cost no API quota — the `releases/latest` redirect
//! and the releases Atom feed — used first when GitHub has rate-limited this
//! run or when they are what worked last time.

use std::sync::LazyLock;
use std::sync::atomic::Ordering;

use regex::Regex;

use super::{Context, Lookup, Query, Release};
use crate::model::Version;
use crate::upstream::http::{Request, Response};
use crate::upstream::tags::{highest, tag_to_version};

const API_ACCEPT: &str = "application/vnd.github+json";

static ATOM_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"/releases/tag/([^"<>\s]+)""#)
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});

pub fn latest(cx: &Context<'_>, q: &Query<'_>, owner: &str, repo: &str) -> Lookup {
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
    let base = &cx.endpoints.github_api;
    let url = format!("{base}/repos/{owner}/{repo}/releases/latest");
    let request = Request {
        url: &url,
        accept: API_ACCEPT,
        bearer: cx.github_token,
        if_none_match: q.etag,
        ..Request::default()
    };
    match cx.client.get(&request) {
        Response::Ok { body, etag, .. } => {
            let doc: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| format!("malformed JSON from {url}: {e}"))?;
            let tag = doc
                .get("tag_name")
                .and_then(|t| t.as_str())
                .unwrap_or_default();
            if let Some(version) =
                tag_to_version(tag, names).filter(|v| q.prereleases || !is_pre(v))
            {
                let published_at = doc
                    .get("published_at")
                    .and_then(|t| t.as_str())
                    .map(str::to_owned);
                return Ok(Lookup::Found(Release {
                    version,
                    published_at,
                    etag,
                    method: "releases_latest",
                }));
            }
            tags(cx, q, owner, repo, names)
        }
        Response::NotModified => Ok(Lookup::Unchanged),
        Response::NotFound => tags(cx, q, owner, repo, names),
        Response::RateLimited { reset } => Err(limited(cx, reset)),
        Response::Redirect(to) => Err(format!("unexpected redirect to {to}")),
        Response::Failed(reason) => Err(format!("{url}: {reason}")),
    }
}

fn tags(
    cx: &Context<'_>,
    q: &Query<'_>,
    owner: &str,
    repo: &str,
    names: &[&str],
) -> Result<Lookup, String> {
    let url = format!(
        "{}/repos/{owner}/{repo}/tags?per_page=100",
        cx.endpoints.github_api
    );
    match cx.client.get(&Request {
        url: &url,
        accept: API_ACCEPT,
        bearer: cx.github_token,
        ..Request::default()
    }) {
        Response::RateLimited { reset } => Err(limited(cx, reset)),
        Response::Ok { body, .. } => {
            let doc: serde_json::Value = serde_json::from_slice(&body)
                .map_err(|e| format!("malformed JSON from {url}: {e}"))?;
            let names_of = doc
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.get("name")?.as_str());
            highest(names_of, names, q.prereleases)
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
    let url = format!("{}/{owner}/{repo}/releases/latest", cx.endpoints.github_web);
    match cx.client.get(&Request {
        url: &url,
        accept: "text/html",
        no_redirects: true,
        ..Request::default()
    }) {
        Response::Redirect(location) => {
            let tag = location
                .rsplit_once("/releases/tag/")
                .map(|(_, t)| t)
                .ok_or_else(|| format!("{url}: redirect to {location}"))?;
            let version = tag_to_version(tag, names)
                .filter(|v| q.prereleases || !is_pre(v))
                .ok_or_else(|| format!("{url}: tag {tag} is no version"))?;
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
    let url = format!("{}/{owner}/{repo}/releases.atom", cx.endpoints.github_web);
    match cx.client.get(&Request {
        url: &url,
        accept: "application/atom+xml",
        ..Request::default()
    }) {
        Response::Ok { body, .. } => {
            let text = String::from_utf8_lossy(&body);
            let tags = ATOM_TAG
                .captures_iter(&text)
                .filter_map(|c| c.get(1).map(|m| m.as_str()));
            highest(tags, names, q.prereleases)
                .map(|version| Lookup::Found(Release::bare(version, "atom")))
                .ok_or_else(|| format!("{url}: no release in the feed"))
        }
        other => Err(format!("{url}: {}", other.describe())),
    }
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
