//! PyPI, and any index pip or uv is pointed at: the Simple API they use
//! themselves (`<index>/<name>/`), JSON (PEP 691, with PEP 700's upload
//! times) where the index speaks it, HTML (PEP 503, PEP 592's
//! `data-yanked`) otherwise, so a mirror that serves pip serves toolup. The
//! newest release that is neither a pre-release nor wholly yanked wins.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Context, Lookup, Query, Release, Source, fetch_with, read_lines};
use crate::base::env_vars;
use crate::model::Version;
use crate::model::package_name::{after_python_project, python_project};
use crate::upstream::addresses::{AddressSpec, ClientEnv, Discovered, Registry, pip};
use crate::upstream::http::{BodyError, Request};

/// What pip sends: JSON first, HTML as the fallback.
const ACCEPT: &str = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

pub struct Pypi;

impl Registry for Pypi {
    fn kind(&self) -> &'static str {
        "pypi"
    }
    fn label(&self) -> &'static str {
        "PyPI"
    }
    fn addresses(&self) -> &'static [AddressSpec] {
        &[AddressSpec {
            key: pip::KEY,
            variable: env_vars::TOOLUP_PYPI_URL,
            what: "package index",
            default: None,
        }]
    }
    fn discover(&self, env: &ClientEnv<'_>) -> Discovered {
        pip::discover(env)
    }
}

impl Source for Pypi {
    fn lookup(&self, cx: &Context<'_>, q: &Query<'_>, name: &str) -> Lookup {
        let index = match cx.address(self, pip::KEY) {
            Ok(url) => url,
            Err(missing) => return missing,
        };
        let project = python_project(name);
        let url = format!("{index}/{project}/");
        let request = Request {
            url: &url,
            accept: ACCEPT,
            if_none_match: q.etag,
            ..Request::default()
        };
        let read = |info: &crate::upstream::http::BodyInfo, reader: &mut dyn std::io::Read| {
            if info.content_type.contains("json") {
                read_simple_json(reader, &project)
            } else {
                read_html(reader, &project)
            }
        };
        let (releases, etag) = match fetch_with(cx, &request, read) {
            Ok(found) => found,
            Err(outcome) => return outcome,
        };
        match newest(releases, q.prereleases, q.cutoff) {
            Some((version, published_at)) => Lookup::Found(Release {
                version,
                published_at,
                etag,
                method: "simple_api",
            }),
            None => Lookup::Failed(format!("{url}: no stable, unyanked release")),
        }
    }
}

/// The newest release with a live file, stable unless `prereleases`, and
/// old enough for `cutoff`: its version and upload time.
pub(super) fn newest(
    releases: BTreeMap<String, ReleaseFiles>,
    prereleases: bool,
    cutoff: Option<std::time::SystemTime>,
) -> Option<(String, Option<String>)> {
    releases
        .into_iter()
        .filter(|(_, r)| r.live)
        .filter_map(|(version, r)| {
            let parsed = Version::parse(&version).ok()?;
            if parsed.is_prerelease() && !prereleases {
                return None;
            }
            // The index knows every release's age, so a too-young newest
            // release leaves the newest old-enough one as latest.
            if crate::upstream::too_young(r.uploaded.as_deref(), cutoff) {
                return None;
            }
            Some((parsed, version, r.uploaded))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, version, uploaded)| (version, uploaded))
}

/// One version's files, folded while they stream by.
#[derive(Debug, Default, Clone)]
pub(super) struct ReleaseFiles {
    /// At least one file is not yanked.
    pub(super) live: bool,
    /// The earliest upload time among the live files (PEP 700).
    pub(super) uploaded: Option<String>,
}

impl ReleaseFiles {
    fn add(&mut self, yanked: bool, uploaded: Option<String>) {
        if yanked {
            return;
        }
        self.live = true;
        if let Some(t) = uploaded
            && self.uploaded.as_ref().is_none_or(|u| t < *u)
        {
            self.uploaded = Some(t);
        }
    }
}

/// PEP 691's project page, reduced to versions as its files stream by:
/// a project with thousands of files costs one small entry per version.
struct SimpleJson<'p> {
    project: &'p str,
}

impl<'de> DeserializeSeed<'de> for SimpleJson<'_> {
    type Value = BTreeMap<String, ReleaseFiles>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SimpleJson<'_> {
    type Value = BTreeMap<String, ReleaseFiles>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a PEP 691 project page")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut releases = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "files" {
                map.next_value_seed(Files {
                    project: self.project,
                    releases: &mut releases,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(releases)
    }
}

/// The `files` array, folded into `releases` one file at a time.
struct Files<'a> {
    project: &'a str,
    releases: &'a mut BTreeMap<String, ReleaseFiles>,
}

impl<'de> DeserializeSeed<'de> for Files<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Files<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of files")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(file) = seq.next_element::<FileEntry>()? {
            if let Some(version) = version_of(&file.filename, self.project) {
                self.releases
                    .entry(version)
                    .or_default()
                    .add(file.yanked.0, file.upload_time);
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct FileEntry {
    filename: String,
    #[serde(default)]
    yanked: Yanked,
    #[serde(rename = "upload-time", default)]
    upload_time: Option<String>,
}

/// PEP 691: `yanked` is `false`, `true` or the reason (a string).
#[derive(Default)]
struct Yanked(bool);

impl<'de> Deserialize<'de> for Yanked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Yanked, D::Error> {
        Ok(Yanked(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Bool(b) => b,
            serde_json::Value::String(_) => true,
            _ => false,
        }))
    }
}

/// Reads a PEP 691 page from a body stream.
pub(super) fn read_simple_json(
    reader: &mut dyn std::io::Read,
    project: &str,
) -> Result<BTreeMap<String, ReleaseFiles>, BodyError> {
    let buffered = std::io::BufReader::with_capacity(64 * 1024, reader);
    let mut de = serde_json::Deserializer::from_reader(buffered);
    let releases = SimpleJson { project }
        .deserialize(&mut de)
        .map_err(|e| BodyError::json(&e))?;
    de.end().map_err(|e| BodyError::json(&e))?;
    Ok(releases)
}

static ANCHOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<a\s([^>]*)>\s*([^<]+?)\s*</a>")
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});

/// PEP 503's HTML page: one anchor per file, `data-yanked` on yanked ones.
pub(super) fn read_html(
    reader: &mut dyn std::io::Read,
    project: &str,
) -> Result<BTreeMap<String, ReleaseFiles>, BodyError> {
    let mut releases: BTreeMap<String, ReleaseFiles> = BTreeMap::new();
    read_lines(reader, |line| {
        for anchor in ANCHOR.captures_iter(line) {
            let (Some(attrs), Some(text)) = (anchor.get(1), anchor.get(2)) else {
                continue;
            };
            let yanked = attrs.as_str().to_ascii_lowercase().contains("data-yanked");
            if let Some(version) = version_of(text.as_str(), project) {
                releases.entry(version).or_default().add(yanked, None);
            }
        }
    })?;
    Ok(releases)
}

/// The version in a distribution file name of `project` (normalised):
/// wheels `name-ver(-build)?-py-abi-plat.whl`, sdists `name-ver.tar.gz`
/// (`.zip`, `.tar.bz2`, …), eggs `name-ver-pyX.Y.egg`.
fn version_of(filename: &str, project: &str) -> Option<String> {
    let lower = filename.to_ascii_lowercase();
    if let Some(stem) = lower.strip_suffix(".whl") {
        let mut parts = stem.split('-');
        let name = parts.next()?;
        return (python_project(name) == project).then(|| parts.next().map(str::to_owned))?;
    }
    let stem = [".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip", ".tar"]
        .iter()
        .find_map(|ext| lower.strip_suffix(ext))
        .or_else(|| {
            lower
                .strip_suffix(".egg")
                .map(|s| s.rsplit_once("-py").map_or(s, |p| p.0))
        })?;
    after_python_project(stem, project)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_file_names() {
        let p = "zope-interface";
        assert_eq!(
            version_of("zope.interface-6.1.tar.gz", p).as_deref(),
            Some("6.1")
        );
        assert_eq!(
            version_of(
                "zope_interface-6.1-cp311-cp311-manylinux_2_17_x86_64.whl",
                p
            )
            .as_deref(),
            Some("6.1")
        );
        assert_eq!(
            version_of("ruff-0.0.100-py3-none-any.whl", "ruff").as_deref(),
            Some("0.0.100")
        );
        assert_eq!(
            version_of("six-1.16.0-py2.7.egg", "six").as_deref(),
            Some("1.16.0")
        );
        assert_eq!(version_of("other-1.0.tar.gz", "six"), None);
    }

    /// A hostile page's file name of a million dashes, for a project whose
    /// name is as long: read in one pass. Trying each dash anew,
    /// normalising the name before it each time, took hours.
    #[test]
    fn a_file_name_of_a_million_dashes_is_read_in_one_pass() {
        let name = "a-".repeat(500_000);
        let project = python_project(&format!("{name}b"));
        let page = format!("<a href=\"x\">{name}1.0.tar.gz</a>\n");
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(
                read_html(&mut page.as_bytes(), &project)
                    .map(|r| r.len())
                    .ok(),
            );
        });
        // Far longer than one pass takes on the busiest machine, far
        // shorter than the old search.
        let read = finished.recv_timeout(std::time::Duration::from_secs(120));
        assert_eq!(read, Ok(Some(0)));
    }

    #[test]
    fn json_pages_fold_files_into_releases() {
        let doc = r#"{"meta": {"api-version": "1.1"}, "name": "Demo.Pkg", "versions": ["1.0", "2.0"],
            "files": [
              {"filename": "demo_pkg-1.0.tar.gz", "yanked": false, "upload-time": "2020-01-02T00:00:00Z", "hashes": {}},
              {"filename": "demo_pkg-1.0-py3-none-any.whl", "upload-time": "2020-01-01T00:00:00Z", "hashes": {}},
              {"filename": "demo.pkg-2.0.tar.gz", "yanked": "broken", "hashes": {}}
            ]}"#;
        let releases = read_simple_json(&mut doc.as_bytes(), "demo-pkg").unwrap();
        assert!(releases["1.0"].live);
        assert_eq!(
            releases["1.0"].uploaded.as_deref(),
            Some("2020-01-01T00:00:00Z")
        );
        assert!(!releases["2.0"].live);
    }

    #[test]
    fn html_pages_mark_yanked_files() {
        let html = "<html><body>\n<a href=\"/f/demo-1.0.tar.gz#sha256=00\">demo-1.0.tar.gz</a><br/>\n<a href=\"/f/demo-2.0.tar.gz\" data-yanked=\"\">demo-2.0.tar.gz</a>\n</body></html>";
        let releases = read_html(&mut html.as_bytes(), "demo").unwrap();
        assert!(releases["1.0"].live);
        assert!(!releases["2.0"].live);
    }
}
