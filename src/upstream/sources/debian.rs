//! Debian: the newest upstream release Debian has packaged, read from
//! unstable's `Sources.gz` on the mirror apt already uses. One streamed
//! document answers every `debian:` tool of a run, and only the packages
//! the run asks about are kept.
//!
//! Debian is downstream of the projects it packages: its answer is a
//! fallback for tools whose own release page cannot be reached (GitHub, GNU)
//! or that have none, as nvchecker's `debianpkg` is. The version is the
//! upstream part of Debian's: no epoch, no revision, no repack suffix
//! (`1:2.43.0+dfsg-2` is `2.43.0`), `~` read as a pre-release mark.

use std::collections::BTreeMap;
use std::io::BufRead;

use super::{Context, Lookup, Query, Release, Source};
use crate::base::env_vars;
use crate::model::Version;
use crate::upstream::addresses::{AddressSpec, ClientEnv, Discovered, Registry, apt};
use crate::upstream::http::{BodyError, Reply, Request};

/// The suite whose sources are read: where new upstream releases land first.
const SUITE: &str = "unstable";

pub struct Debian;

impl Registry for Debian {
    fn kind(&self) -> &'static str {
        "debian"
    }
    fn label(&self) -> &'static str {
        "Debian"
    }
    fn addresses(&self) -> &'static [AddressSpec] {
        &[AddressSpec {
            key: apt::KEY,
            variable: env_vars::TOOLUP_DEBIAN_URL,
            what: "archive mirror",
            default: None,
        }]
    }
    fn discover(&self, env: &ClientEnv<'_>) -> Discovered {
        apt::discover(env)
    }
}

impl Source for Debian {
    fn lookup(&self, cx: &Context<'_>, q: &Query<'_>, package: &str) -> Lookup {
        let base = match cx.address(self, apt::KEY) {
            Ok(url) => url,
            Err(missing) => return missing,
        };
        let url = format!("{base}/dists/{SUITE}/main/source/Sources.gz");
        let slot = cx.shared_document(self.kind());
        let index = slot.get_or_init(|| {
            let wanted = cx.wanted.get(self.kind()).cloned().unwrap_or_default();
            load(cx, &url, &wanted)
        });
        let versions = match index {
            Ok(v) => v,
            Err(reason) => return Lookup::Failed(reason.clone()),
        };
        let Some(debian_version) = versions.get(package) else {
            return Lookup::Failed(format!("{url}: no source package {package}"));
        };
        match upstream_version(debian_version) {
            Some(version) if q.prereleases || !is_pre(&version) => {
                Lookup::Found(Release::bare(version, "sources_index"))
            }
            Some(version) => Lookup::Failed(format!(
                "Debian {SUITE} has only the pre-release {version} of {package}"
            )),
            None => Lookup::Failed(format!(
                "{url}: {package} {debian_version} is not a version toolup reads"
            )),
        }
    }
}

/// Reads `Sources.gz`, keeping the newest Debian version of each wanted package.
fn load(
    cx: &Context<'_>,
    url: &str,
    wanted: &std::collections::BTreeSet<String>,
) -> Result<BTreeMap<String, String>, String> {
    let request = Request {
        url,
        accept: "application/gzip, application/octet-stream",
        ..Request::default()
    };
    let read = |_: &crate::upstream::http::BodyInfo, reader: &mut dyn std::io::Read| {
        let lines =
            std::io::BufReader::with_capacity(64 * 1024, flate2::read::GzDecoder::new(reader));
        parse_sources(lines, wanted).map_err(|e| BodyError::io(&e))
    };
    match cx.client.fetch(&request, read) {
        Reply::Ok { body, .. } => Ok(body),
        other => Err(format!("{url}: {}", other.describe())),
    }
}

/// The newest `Version:` of each wanted `Package:`, skipping stanzas kept only
/// for other packages' sake (`Extra-Source-Only: yes`).
pub(super) fn parse_sources(
    mut lines: impl BufRead,
    wanted: &std::collections::BTreeSet<String>,
) -> std::io::Result<BTreeMap<String, String>> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let (mut package, mut version, mut extra) = (None::<String>, None::<String>, false);
    let mut commit =
        |package: &mut Option<String>, version: &mut Option<String>, extra: &mut bool| {
            if let (Some(p), Some(v), false) = (package.take(), version.take(), *extra)
                && wanted.contains(&p)
            {
                let newer = out
                    .get(&p)
                    .is_none_or(|old| debian_order(&v) > debian_order(old));
                if newer {
                    out.insert(p, v);
                }
            }
            *package = None;
            *version = None;
            *extra = false;
        };
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            break;
        }
        let text = line.trim_end();
        if text.is_empty() {
            commit(&mut package, &mut version, &mut extra);
        } else if let Some(p) = text.strip_prefix("Package:") {
            commit(&mut package, &mut version, &mut extra);
            package = Some(p.trim().to_owned());
        } else if let Some(v) = text.strip_prefix("Version:") {
            version = Some(v.trim().to_owned());
        } else if let Some(e) = text.strip_prefix("Extra-Source-Only:") {
            extra = e.trim() == "yes";
        }
    }
    commit(&mut package, &mut version, &mut extra);
    Ok(out)
}

/// Epoch first, then the upstream version, for choosing among stanzas.
fn debian_order(version: &str) -> (u64, Option<Version>) {
    let (epoch, _) = split_epoch(version);
    (
        epoch,
        upstream_version(version).and_then(|v| Version::parse(&v).ok()),
    )
}

fn split_epoch(version: &str) -> (u64, &str) {
    match version.split_once(':') {
        Some((e, rest)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => {
            (e.parse().unwrap_or(0), rest)
        }
        _ => (0, version),
    }
}

/// The upstream release inside a Debian version.
pub fn upstream_version(version: &str) -> Option<String> {
    let (_, rest) = split_epoch(version.trim());
    let mut upstream = rest.rsplit_once('-').map_or(rest, |(u, _)| u);
    // `X+reallyY`: the package really holds Y (a version rolled back).
    if let Some((_, really)) = upstream.rsplit_once("+really") {
        upstream = really;
    }
    const REPACKS: [&str; 18] = [
        "+dfsg", ".dfsg", "~dfsg", "+ds", ".ds", "~ds", "+repack", "~repack", ".repack", "+git",
        "~git", "+svn", "~svn", "+hg", "+bzr", "+cvs", "+debian", "+nmu",
    ];
    if let Some(cut) = REPACKS.iter().filter_map(|m| upstream.find(m)).min() {
        upstream = &upstream[..cut];
    }
    // Policy 5.6.12: alphanumerics and `. + - ~` only (fuzz: a `Version:`
    // line run into the next field read `2Maintainer: x` as a version).
    if !upstream
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '~'))
    {
        return None;
    }
    let version = upstream.replace('~', "-");
    Version::parse(&version).is_ok().then_some(version)
}

fn is_pre(version: &str) -> bool {
    Version::parse(version).is_ok_and(|v| v.is_prerelease())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_part_of_debian_versions() {
        for (debian, upstream) in [
            ("3.5a-3", "3.5a"),
            ("1:2.43.0+dfsg-2", "2.43.0"),
            ("2:9.1.1230-2", "9.1.1230"),
            ("1:9.9p2-1", "9.9p2"),
            ("4.8+really4.7.5-1", "4.7.5"),
            ("1.2.13.dfsg-1", "1.2.13"),
            ("2.0~rc1-1", "2.0-rc1"),
            ("0.4.0+git20240101.abcdef-1", "0.4.0"),
            ("1.7.1", "1.7.1"),
        ] {
            assert_eq!(
                upstream_version(debian).as_deref(),
                Some(upstream),
                "{debian}"
            );
        }
        assert!(is_pre(&upstream_version("2.0~rc1-1").unwrap()));
        // tests/fuzz_regressions/registry_debian/not-a-debian-version
        for bad in [
            "1:2Maintainer: x",
            "1:2 3-1",
            "2:1.0:1-1",
            "1.0_x-1",
            "1.\u{e9}-1",
        ] {
            assert_eq!(upstream_version(bad), None, "{bad}");
        }
    }

    #[test]
    fn sources_index_keeps_the_newest_wanted_stanza() {
        let text = "Package: tmux\nBinary: tmux\nVersion: 3.4-1\n\nPackage: tmux\nVersion: 3.5a-3\n\nPackage: other\nVersion: 9\n\nPackage: tmux\nVersion: 3.6-1\nExtra-Source-Only: yes\n";
        let wanted = ["tmux".to_owned()].into_iter().collect();
        let parsed = parse_sources(text.as_bytes(), &wanted).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed["tmux"], "3.5a-3");
    }
}
