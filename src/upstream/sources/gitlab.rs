//! GitLab: the releases API, newest release that is not upcoming or a pre-release.

use serde::Deserialize;

use super::{Context, Lookup, Query, Release, Source, fetch_json};
use crate::base::env_vars;
use crate::model::Version;
use crate::upstream::addresses::{AddressSpec, Registry};
use crate::upstream::tags::tag_to_version;

pub struct Gitlab;

#[derive(Deserialize)]
pub(super) struct ApiRelease {
    #[serde(default)]
    pub(super) tag_name: String,
    #[serde(default)]
    pub(super) upcoming_release: bool,
    pub(super) released_at: Option<String>,
}

impl Registry for Gitlab {
    fn kind(&self) -> &'static str {
        "gitlab"
    }
    fn label(&self) -> &'static str {
        "GitLab"
    }
    fn addresses(&self) -> &'static [AddressSpec] {
        &[AddressSpec {
            key: "gitlab",
            variable: env_vars::TOOLUP_GITLAB_URL,
            what: "web address",
            default: Some("https://gitlab.com"),
        }]
    }
}

impl Source for Gitlab {
    fn check(&self, ident: &str) -> Result<(), String> {
        if ident.contains('/') {
            Ok(())
        } else {
            Err("gitlab upstream must be gitlab:GROUP/PROJECT".to_owned())
        }
    }
    fn lookup(&self, cx: &Context<'_>, q: &Query<'_>, project: &str) -> Lookup {
        let base = match cx.address(self, "gitlab") {
            Ok(url) => url,
            Err(missing) => return missing,
        };
        let encoded = project.replace('/', "%2F");
        let url = format!("{base}/api/v4/projects/{encoded}/releases?per_page=20");
        let (releases, etag) =
            match fetch_json::<Vec<ApiRelease>>(cx, &url, "application/json", q.etag) {
                Ok(found) => found,
                Err(outcome) => return outcome,
            };
        let repo = project.rsplit('/').next().unwrap_or(project);
        match newest(releases, &[repo, q.tool], q.prereleases) {
            Some((version, published_at)) => Lookup::Found(Release {
                version,
                published_at,
                etag,
                method: "releases_api",
            }),
            None => Lookup::Failed(format!("{url}: no stable release")),
        }
    }
}

/// The newest release that is not upcoming, stable unless `prereleases`
/// (a tag names its version, `names` being the tool's): its version and
/// release time.
pub(super) fn newest(
    releases: Vec<ApiRelease>,
    names: &[&str],
    prereleases: bool,
) -> Option<(String, Option<String>)> {
    releases
        .into_iter()
        .filter(|r| !r.upcoming_release)
        .filter_map(|r| {
            let version = tag_to_version(&r.tag_name, names)?;
            let parsed = Version::parse(&version).ok()?;
            (prereleases || !parsed.is_prerelease()).then_some((parsed, version, r.released_at))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, version, released_at)| (version, released_at))
}
