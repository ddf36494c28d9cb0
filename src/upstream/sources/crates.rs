//! The crates registry: the sparse index cargo itself uses (no rate limit, ETags),
//! newest non-yanked stable version.

use super::{Context, Lookup, Query, Release, fetch};
use crate::model::Version;

/// `<base>/se/rd/serde`, `<base>/3/s/syn`, `<base>/2/cc`, `<base>/1/a`.
pub fn index_path(name: &str) -> String {
    let n = name.to_ascii_lowercase();
    match n.len() {
        1 => format!("1/{n}"),
        2 => format!("2/{n}"),
        3 => format!("3/{}/{n}", &n[..1]),
        _ => format!("{}/{}/{n}", &n[..2], &n[2..4]),
    }
}

pub fn latest(cx: &Context<'_>, q: &Query<'_>, base: &str, name: &str) -> Lookup {
    let url = format!("{base}/{}", index_path(name));
    let (body, etag) = match fetch(cx, &url, "text/plain", q.etag) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let text = String::from_utf8_lossy(&body);
    let mut malformed = 0;
    let best = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|line| {
            let entry: serde_json::Value = serde_json::from_str(line)
                .map_err(|_| malformed += 1)
                .ok()?;
            if entry.get("yanked").and_then(|y| y.as_bool()) == Some(true) {
                return None;
            }
            let vers = entry.get("vers")?.as_str()?.to_owned();
            let parsed = Version::parse(&vers).ok()?;
            (q.prereleases || !parsed.is_prerelease()).then_some((parsed, vers))
        })
        .max_by(|a, b| a.0.cmp(&b.0));
    match best {
        Some((_, version)) => Lookup::Found(Release {
            etag,
            ..Release::bare(version, "sparse_index")
        }),
        None if malformed > 0 => Lookup::Failed(format!("{url}: malformed index lines")),
        None => Lookup::Failed(format!("{url}: no stable, unyanked version")),
    }
}

/// The web API (`<api>/api/v1/crates/NAME`): the fallback when the index
/// cannot answer, and the only place with publish times.
pub fn from_api(cx: &Context<'_>, q: &Query<'_>, api: &str, name: &str) -> Lookup {
    let url = format!("{api}/api/v1/crates/{name}");
    let (doc, etag) = match super::fetch_json(cx, &url, "application/json", None) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let krate = doc.get("crate");
    let field = if q.prereleases {
        "max_version"
    } else {
        "max_stable_version"
    };
    let Some(version) = krate
        .and_then(|c| c.get(field))
        .and_then(|v| v.as_str())
        .filter(|v| Version::parse(v).is_ok())
    else {
        return Lookup::Failed(format!("{url}: no {field}"));
    };
    let published_at = doc
        .get("versions")
        .and_then(|v| v.as_array())
        .and_then(|all| {
            all.iter()
                .find(|v| v.get("num").and_then(|n| n.as_str()) == Some(version))
        })
        .and_then(|v| v.get("created_at")?.as_str())
        .map(str::to_owned);
    Lookup::Found(Release {
        version: version.to_owned(),
        published_at,
        etag,
        method: "web_api",
    })
}
