//! PyPI: the JSON API, newest release that is neither a pre-release nor yanked.

use super::{Context, Lookup, Query, Release, fetch_json};
use crate::model::Version;

pub fn latest(cx: &Context<'_>, q: &Query<'_>, base: &str, name: &str) -> Lookup {
    let url = format!("{base}/pypi/{name}/json");
    let (doc, etag) = match fetch_json(cx, &url, "application/json", q.etag) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let Some(releases) = doc.get("releases").and_then(|r| r.as_object()) else {
        return Lookup::Failed(format!("{url}: no `releases` object"));
    };
    let best = releases
        .iter()
        .filter_map(|(version, files)| {
            let files = files.as_array()?;
            let live: Vec<_> = files
                .iter()
                .filter(|f| f.get("yanked").and_then(|y| y.as_bool()) != Some(true))
                .collect();
            if live.is_empty() {
                return None;
            }
            let parsed = Version::parse(version).ok()?;
            if parsed.is_prerelease() && !q.prereleases {
                return None;
            }
            let published = live
                .iter()
                .filter_map(|f| f.get("upload_time_iso_8601")?.as_str())
                .min()
                .map(str::to_owned);
            // PyPI knows every release's age, so a too-young newest release
            // leaves the newest old-enough one as latest.
            if crate::upstream::too_young(published.as_deref(), q.cutoff) {
                return None;
            }
            Some((parsed, version.clone(), published))
        })
        .max_by(|a, b| a.0.cmp(&b.0));
    match best {
        Some((_, version, published_at)) => Lookup::Found(Release {
            version,
            published_at,
            etag,
            method: "json_api",
        }),
        None => Lookup::Failed(format!("{url}: no stable, unyanked release")),
    }
}
