//! npm: the smallest document that answers. Without a minimum release age,
//! the package's dist-tags (`/-/package/NAME/dist-tags`, a few bytes), with
//! the abbreviated document as the fallback for registries that lack that
//! route; with one, the full document, streamed into its dist-tags and
//! publish times only.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Context, Lookup, Query, Release, Source, fetch_json};
use crate::base::env_vars;
use crate::model::Version;
use crate::upstream::addresses::{AddressSpec, ClientEnv, Discovered, Registry, npm};

const ABBREVIATED: &str = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8";

pub struct Npm;

/// The fields toolup reads from any of npm's documents.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Doc {
    #[serde(rename = "dist-tags", default)]
    pub(super) dist_tags: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) time: BTreeMap<String, String>,
}

impl Registry for Npm {
    fn kind(&self) -> &'static str {
        "npm"
    }
    fn label(&self) -> &'static str {
        "npm"
    }
    fn addresses(&self) -> &'static [AddressSpec] {
        &[AddressSpec {
            key: npm::KEY,
            variable: env_vars::TOOLUP_NPM_REGISTRY_URL,
            what: "registry",
            default: None,
        }]
    }
    fn discover(&self, env: &ClientEnv<'_>) -> Discovered {
        npm::discover(env)
    }
}

impl Source for Npm {
    /// npm's own health endpoint (verdaccio and the proxies serve it too).
    fn ping_url(&self, _key: &str, base: &str) -> String {
        format!("{base}/-/ping")
    }
    fn lookup(&self, cx: &Context<'_>, q: &Query<'_>, name: &str) -> Lookup {
        let base = match cx.address(self, npm::KEY) {
            Ok(url) => url,
            Err(missing) => return missing,
        };
        // Scoped names keep their `@` but encode the slash, lower-case as npm does.
        let encoded = name.replace('/', "%2f");
        let (doc, etag, method) = if q.cutoff.is_some() {
            // Publish times are only in the full document.
            let url = format!("{base}/{encoded}");
            match fetch_json::<Doc>(cx, &url, "application/json", q.etag) {
                Ok((doc, etag)) => (doc, etag, "full_document"),
                Err(outcome) => return outcome,
            }
        } else {
            let tags_url = format!("{base}/-/package/{encoded}/dist-tags");
            let tags_first = q.hint != Some("abbreviated");
            let tags = tags_first.then(|| {
                fetch_json::<BTreeMap<String, String>>(cx, &tags_url, "application/json", None)
            });
            match tags {
                // Too small to need a conditional request; its ETag is not kept,
                // so it is never sent for another document.
                Some(Ok((dist_tags, _))) if dist_tags.contains_key("latest") => (
                    Doc {
                        dist_tags,
                        time: BTreeMap::new(),
                    },
                    None,
                    "dist_tags",
                ),
                _ => {
                    let url = format!("{base}/{encoded}");
                    match fetch_json::<Doc>(cx, &url, ABBREVIATED, q.etag) {
                        Ok((doc, etag)) => (doc, etag, "abbreviated"),
                        Err(outcome) => return outcome,
                    }
                }
            }
        };
        match answer(&doc, q.prereleases) {
            Some((version, published_at)) => Lookup::Found(Release {
                version,
                published_at,
                etag,
                method,
            }),
            None => Lookup::Failed(format!("{base}/{encoded}: no dist-tags.latest")),
        }
    }
}

/// What a document answers: `latest` (`next` first when pre-releases are
/// wanted) when it is a version, with its publish time.
pub(super) fn answer(doc: &Doc, prereleases: bool) -> Option<(String, Option<String>)> {
    let tag = if prereleases {
        doc.dist_tags
            .get("next")
            .or_else(|| doc.dist_tags.get("latest"))
    } else {
        doc.dist_tags.get("latest")
    };
    tag.filter(|version| Version::parse(version).is_ok())
        .map(|version| (version.clone(), doc.time.get(version).cloned()))
}
