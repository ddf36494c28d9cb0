//! npm: the abbreviated metadata document, `dist-tags.latest`.

use super::{Context, Lookup, Query, Release, fetch_json};
use crate::model::Version;

const ABBREVIATED: &str = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8";

pub fn latest(cx: &Context<'_>, q: &Query<'_>, base: &str, name: &str) -> Lookup {
    // Scoped names keep their `@` but encode the slash.
    let url = format!("{base}/{}", name.replace('/', "%2F"));
    // The abbreviated document has no publish times; the full one is needed
    // only to honour a minimum release age.
    let accept = if q.cutoff.is_some() {
        "application/json"
    } else {
        ABBREVIATED
    };
    let (doc, etag) = match fetch_json(cx, &url, accept, q.etag) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let tags = doc.get("dist-tags");
    let tag = if q.prereleases {
        tags.and_then(|t| t.get("next"))
            .or_else(|| tags.and_then(|t| t.get("latest")))
    } else {
        tags.and_then(|t| t.get("latest"))
    };
    match tag.and_then(|v| v.as_str()) {
        Some(version) if Version::parse(version).is_ok() => Lookup::Found(Release {
            version: version.to_owned(),
            published_at: doc
                .get("time")
                .and_then(|t| t.get(version))
                .and_then(|t| t.as_str())
                .map(str::to_owned),
            etag,
            method: "abbreviated",
        }),
        _ => Lookup::Failed(format!("{url}: no dist-tags.latest")),
    }
}
