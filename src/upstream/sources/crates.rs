//! The crates registry: the sparse index cargo itself uses (no rate limit,
//! ETags), read line by line, newest non-yanked stable version; the web API
//! as the fallback (and the only place with publish times); and, when cargo
//! names no index toolup can read, `cargo info NAME` — cargo's own answer.

use std::time::Duration;

use serde::Deserialize;

use super::{Context, Lookup, Query, Release, Source, fetch_json, fetch_with, read_lines};
use crate::base::env_vars;
use crate::model::Version;
use crate::upstream::addresses::{AddressSpec, ClientEnv, Discovered, Registry, cargo};
use crate::upstream::http::Request;

pub struct Crates;

impl Registry for Crates {
    fn kind(&self) -> &'static str {
        "crates"
    }
    fn label(&self) -> &'static str {
        "crates.io"
    }
    fn addresses(&self) -> &'static [AddressSpec] {
        &[
            AddressSpec {
                key: cargo::INDEX,
                variable: env_vars::TOOLUP_CRATES_INDEX_URL,
                what: "sparse index",
                default: None,
            },
            AddressSpec {
                key: cargo::API,
                variable: env_vars::TOOLUP_CRATES_API_URL,
                what: "web API",
                default: None,
            },
        ]
    }
    fn discover(&self, env: &ClientEnv<'_>) -> Discovered {
        cargo::discover(env)
    }
}

impl Source for Crates {
    /// A sparse index's `config.json` is a few bytes.
    fn ping_url(&self, key: &str, base: &str) -> String {
        if key == cargo::INDEX {
            format!("{base}/config.json")
        } else {
            format!("{base}/")
        }
    }
    fn lookup(&self, cx: &Context<'_>, q: &Query<'_>, name: &str) -> Lookup {
        let index = cx.addresses.get(self, cargo::INDEX).map(|a| a.url);
        let api = cx.addresses.get(self, cargo::API).map(|a| a.url);
        let from_index = index.as_deref().map(|base| from_index(cx, q, base, name));
        match (from_index, api) {
            (Some(Lookup::Failed(reason)), Some(api)) => match from_api(cx, q, &api, name) {
                Lookup::Failed(second) => Lookup::Failed(format!("{reason}; {second}")),
                other => other,
            },
            (Some(answer), _) => answer,
            (None, Some(api)) => from_api(cx, q, &api, name),
            (None, None) => match cargo_info(cx, name) {
                Some(Lookup::Failed(why)) => {
                    Lookup::Failed(format!("{}; {why}", cx.no_address(self)))
                }
                Some(found) => found,
                None => Lookup::Failed(cx.no_address(self)),
            },
        }
    }
}

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

/// One line of the index: the fields toolup reads.
#[derive(Deserialize)]
struct IndexLine {
    vers: String,
    #[serde(default)]
    yanked: bool,
}

fn from_index(cx: &Context<'_>, q: &Query<'_>, base: &str, name: &str) -> Lookup {
    let url = format!("{base}/{}", index_path(name));
    let request = Request {
        url: &url,
        accept: "text/plain",
        if_none_match: q.etag,
        ..Request::default()
    };
    let read = |_: &crate::upstream::http::BodyInfo, reader: &mut dyn std::io::Read| {
        read_index(reader, q.prereleases)
    };
    match fetch_with(cx, &request, read) {
        Ok(((Some(version), _), etag)) => Lookup::Found(Release {
            etag,
            ..Release::bare(version, "sparse_index")
        }),
        Ok(((None, malformed), _)) if malformed > 0 => {
            Lookup::Failed(format!("{url}: malformed index lines"))
        }
        Ok(((None, _), _)) => Lookup::Failed(format!("{url}: no stable, unyanked version")),
        Err(outcome) => outcome,
    }
}

/// A crate's index file, one JSON line per version: the newest
/// non-yanked version (stable unless `prereleases`), and how many lines
/// were not index lines.
pub(super) fn read_index(
    reader: &mut dyn std::io::Read,
    prereleases: bool,
) -> Result<(Option<String>, usize), crate::upstream::http::BodyError> {
    let mut best: Option<(Version, String)> = None;
    let mut malformed = 0usize;
    read_lines(reader, |line| {
        if line.trim().is_empty() {
            return;
        }
        let Ok(entry) = serde_json::from_str::<IndexLine>(line) else {
            malformed += 1;
            return;
        };
        let Ok(parsed) = Version::parse(&entry.vers) else {
            return;
        };
        if entry.yanked || (parsed.is_prerelease() && !prereleases) {
            return;
        }
        if best.as_ref().is_none_or(|(b, _)| parsed > *b) {
            best = Some((parsed, entry.vers));
        }
    })?;
    Ok((best.map(|(_, v)| v), malformed))
}

#[derive(Deserialize)]
pub(super) struct ApiDoc {
    #[serde(rename = "crate")]
    krate: ApiCrate,
    #[serde(default)]
    versions: Vec<ApiVersion>,
}

#[derive(Deserialize)]
struct ApiCrate {
    max_version: Option<String>,
    max_stable_version: Option<String>,
}

#[derive(Deserialize)]
struct ApiVersion {
    num: String,
    created_at: Option<String>,
}

/// The web API (`<api>/api/v1/crates/NAME`).
fn from_api(cx: &Context<'_>, q: &Query<'_>, api: &str, name: &str) -> Lookup {
    let url = format!("{api}/api/v1/crates/{name}");
    let (doc, etag) = match fetch_json::<ApiDoc>(cx, &url, "application/json", None) {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    match api_answer(doc, q.prereleases) {
        Ok((version, published_at)) => Lookup::Found(Release {
            version,
            published_at,
            etag,
            method: "web_api",
        }),
        Err(field) => Lookup::Failed(format!("{url}: no {field}")),
    }
}

/// What the web API's document answers: `max_stable_version` (or
/// `max_version` when pre-releases are wanted) when it is a version, with
/// its publish time; else the field that was missing.
pub(super) fn api_answer(
    doc: ApiDoc,
    prereleases: bool,
) -> Result<(String, Option<String>), &'static str> {
    let (field, version) = if prereleases {
        ("max_version", doc.krate.max_version)
    } else {
        ("max_stable_version", doc.krate.max_stable_version)
    };
    let version = version.filter(|v| Version::parse(v).is_ok()).ok_or(field)?;
    let published_at = doc
        .versions
        .into_iter()
        .find(|v| v.num == version)
        .and_then(|v| v.created_at);
    Ok((version, published_at))
}

/// `cargo info NAME`, run from toolup's cache directory (outside any
/// workspace, whose lock file would otherwise answer), reading `version:`.
fn cargo_info(cx: &Context<'_>, name: &str) -> Option<Lookup> {
    let cargo = cx.addresses.program("cargo")?;
    let args = ["info".to_owned(), "--quiet".to_owned(), name.to_owned()];
    let cwd = cx.addresses.cache_dir();
    let out = crate::upstream::run_client(&cargo, &args, cwd.as_deref(), Duration::from_secs(30));
    Some(match out.as_deref().and_then(cargo_info_version) {
        Some(version) => Lookup::Found(Release::bare(version, "cargo_info")),
        None => Lookup::Failed(format!(
            "`{} info {name}` named no version",
            cargo.display()
        )),
    })
}

/// `version: 1.2.3` or `version: 1.2.3 (latest 1.3.0)`.
pub(super) fn cargo_info_version(text: &str) -> Option<String> {
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("version:"))?;
    let version = match line.split_once("(latest ") {
        Some((_, latest)) => latest.trim_end_matches([')', ' ']),
        None => line.split_whitespace().next()?,
    };
    let version = version.trim();
    Version::parse(version).is_ok().then(|| version.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_info() {
        let text = "just #command-line\nversion: 1.59.0\nlicense: CC0-1.0\n";
        assert_eq!(cargo_info_version(text).as_deref(), Some("1.59.0"));
        let text = "serde\nversion: 1.0.200 (latest 1.0.229)\n";
        assert_eq!(cargo_info_version(text).as_deref(), Some("1.0.229"));
        assert_eq!(cargo_info_version("nothing"), None);
    }
}
