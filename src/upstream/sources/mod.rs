//! One file per upstream source. Each turns a catalog `upstream` into the
//! latest stable release, skipping drafts, pre-releases and yanked versions
//! unless asked for them.

mod crates;
mod github;
mod gitlab;
mod gnu;
mod npm;
mod pypi;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::endpoints::Endpoints;
use super::http::{HttpClient, Request, Response};
use crate::catalog::Upstream;

/// A release found upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: String,
    /// RFC 3339 publish time, when the registry says.
    pub published_at: Option<String>,
    pub etag: Option<String>,
    /// Which lookup worked (`releases_latest`, `atom`, `sparse_index`, …): tried first next time.
    pub method: &'static str,
}

impl Release {
    /// A release known only by its version (no publish time, no ETag).
    pub fn bare(version: String, method: &'static str) -> Release {
        Release {
            version,
            published_at: None,
            etag: None,
            method,
        }
    }
}

/// What a lookup concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(Release),
    /// 304: the cached version still holds.
    Unchanged,
    Failed(String),
}

/// Shared state for one run's lookups.
pub struct Context<'a> {
    pub client: &'a HttpClient,
    pub endpoints: &'a Endpoints,
    pub github_token: Option<&'a str>,
    /// Set once GitHub says the quota is gone: no more API calls this run.
    pub github_limited: AtomicBool,
    pub github_reset: AtomicU64,
}

impl<'a> Context<'a> {
    pub fn new(
        client: &'a HttpClient,
        endpoints: &'a Endpoints,
        github_token: Option<&'a str>,
    ) -> Context<'a> {
        Context {
            client,
            endpoints,
            github_token,
            github_limited: AtomicBool::new(false),
            github_reset: AtomicU64::new(0),
        }
    }

    /// True once GitHub's API quota ran out in this run.
    pub fn github_rate_limited(&self) -> Option<u64> {
        self.github_limited
            .load(Ordering::Relaxed)
            .then(|| self.github_reset.load(Ordering::Relaxed))
    }
}

/// What one lookup is about.
pub struct Query<'q> {
    pub tool: &'q str,
    pub upstream: &'q Upstream,
    /// The ETag of the last good answer, for a conditional request.
    pub etag: Option<&'q str>,
    /// The method that worked last time.
    pub hint: Option<&'q str>,
    pub prereleases: bool,
    /// With a minimum release age: releases published after this are not yet latest.
    pub cutoff: Option<std::time::SystemTime>,
}

/// Looks up the latest release of one tool.
pub fn lookup(cx: &Context<'_>, q: &Query<'_>) -> Lookup {
    let started = std::time::Instant::now();
    let outcome = lookup_inner(cx, q);
    tracing::debug!(
        tool = q.tool,
        elapsed_ms = started.elapsed().as_millis() as u64,
        found = matches!(outcome, Lookup::Found(_)),
        "lookup"
    );
    outcome
}

fn lookup_inner(cx: &Context<'_>, q: &Query<'_>) -> Lookup {
    let base = |url: &Option<String>, what: &str| {
        url.clone().ok_or_else(|| {
            format!(
                "no {what} URL configured (set {})",
                Endpoints::variable(what)
            )
        })
    };
    let result = match q.upstream {
        Upstream::Github { owner, repo } => return github::latest(cx, q, owner, repo),
        Upstream::Gitlab { project } => Ok(gitlab::latest(cx, q, project)),
        Upstream::Pypi(name) => {
            base(&cx.endpoints.pypi, "pypi").map(|b| pypi::latest(cx, q, &b, name))
        }
        Upstream::Npm(name) => base(&cx.endpoints.npm, "npm").map(|b| npm::latest(cx, q, &b, name)),
        Upstream::Crates(name) => {
            let index = cx
                .endpoints
                .crates_index
                .as_deref()
                .map(|b| crates::latest(cx, q, b, name));
            match (index, cx.endpoints.crates_api.as_deref()) {
                (Some(Lookup::Failed(reason)), Some(api)) => {
                    match crates::from_api(cx, q, api, name) {
                        Lookup::Failed(second) => Ok(Lookup::Failed(format!("{reason}; {second}"))),
                        other => Ok(other),
                    }
                }
                (Some(answer), _) => Ok(answer),
                (None, Some(api)) => Ok(crates::from_api(cx, q, api, name)),
                (None, None) => Err(format!(
                    "no crates URL configured (set {})",
                    Endpoints::variable("crates")
                )),
            }
        }
        Upstream::Gnu(project) => Ok(gnu::latest(cx, q, project)),
        Upstream::None => return Lookup::Failed("no upstream source in the catalog".to_owned()),
    };
    result.unwrap_or_else(Lookup::Failed)
}

/// GET with the query's ETag: the body and its ETag, or the `Lookup` that ends the search.
fn fetch(
    cx: &Context<'_>,
    url: &str,
    accept: &str,
    etag: Option<&str>,
) -> Result<(Vec<u8>, Option<String>), Lookup> {
    match cx.client.get(&Request {
        url,
        accept,
        if_none_match: etag,
        ..Request::default()
    }) {
        Response::Ok { body, etag, .. } => Ok((body, etag)),
        Response::NotModified => Err(Lookup::Unchanged),
        other => Err(Lookup::Failed(format!("{url}: {}", other.describe()))),
    }
}

/// `fetch`, parsed as JSON.
fn fetch_json(
    cx: &Context<'_>,
    url: &str,
    accept: &str,
    etag: Option<&str>,
) -> Result<(serde_json::Value, Option<String>), Lookup> {
    let (body, etag) = fetch(cx, url, accept, etag)?;
    serde_json::from_slice(&body)
        .map(|v| (v, etag))
        .map_err(|e| Lookup::Failed(format!("malformed JSON from {url}: {e}")))
}
