//! GitLab: the releases API, newest release that is not upcoming or a pre-release.

use super::{Context, Lookup, Query, Release, fetch_json};
use crate::model::Version;
use crate::upstream::tags::tag_to_version;

pub fn latest(cx: &Context<'_>, q: &Query<'_>, project: &str) -> Lookup {
    let encoded = project.replace('/', "%2F");
    let url = format!(
        "{}/api/v4/projects/{encoded}/releases?per_page=20",
        cx.endpoints.gitlab
    );
    let (doc, etag) = match fetch_json(cx, &url, "application/json", q.etag) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let repo = project.rsplit('/').next().unwrap_or(project);
    let best = doc
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r.get("upcoming_release").and_then(|u| u.as_bool()) != Some(true))
        .filter_map(|r| {
            let version = tag_to_version(r.get("tag_name")?.as_str()?, &[repo, q.tool])?;
            let parsed = Version::parse(&version).ok()?;
            let released = r
                .get("released_at")
                .and_then(|t| t.as_str())
                .map(str::to_owned);
            (q.prereleases || !parsed.is_prerelease()).then_some((parsed, version, released))
        })
        .max_by(|a, b| a.0.cmp(&b.0));
    match best {
        Some((_, version, published_at)) => Lookup::Found(Release {
            version,
            published_at,
            etag,
            method: "releases_api",
        }),
        None => Lookup::Failed(format!("{url}: no stable release")),
    }
}
