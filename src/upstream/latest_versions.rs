//! The `latest_versions.json` format: tool name → latest version, plus
//! `__hints__` (which lookup worked per source, tried first next time) and
//! `__meta__` (per entry: when it was fetched, from which source, its ETag
//! and publish time).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Parsed `latest_versions.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LatestVersions {
    pub versions: BTreeMap<String, String>,
    pub fetched_at: BTreeMap<String, String>,
    /// The catalog `upstream` each entry was fetched from: an entry for
    /// another source is ignored.
    pub sources: BTreeMap<String, String>,
    pub etags: BTreeMap<String, String>,
    pub published_at: BTreeMap<String, String>,
    pub hints: BTreeMap<String, String>,
}

/// One tool's cached facts, for writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub version: String,
    pub fetched_at: String,
    pub source: String,
    pub etag: Option<String>,
    pub published_at: Option<String>,
}

/// A malformed `latest_versions.json`.
#[derive(Debug, thiserror::Error)]
#[error("latest_versions.json: {0}")]
pub struct LatestVersionsError(String);

impl LatestVersionsError {
    /// Names the file the error is in.
    pub fn at(path: &std::path::Path, inner: LatestVersionsError) -> LatestVersionsError {
        LatestVersionsError(format!("{}: {}", path.display(), inner.0))
    }
}

const META_MAPS: [&str; 4] = ["fetched_at", "source", "etag", "published_at"];

impl LatestVersions {
    /// Parses the document, naming the entry that is wrong.
    pub fn parse(text: &str) -> Result<LatestVersions, LatestVersionsError> {
        let root: Map<String, Value> = serde_json::from_str(text).map_err(|e| {
            LatestVersionsError(format!("line {}, column {}: {e}", e.line(), e.column()))
        })?;
        let mut out = LatestVersions::default();
        for (key, value) in root {
            match key.as_str() {
                "__hints__" => out.hints = string_map(&value, "__hints__")?,
                "__meta__" => {
                    for name in META_MAPS {
                        if let Some(map) = value.get(name) {
                            *out.meta_mut(name) = string_map(map, &format!("__meta__.{name}"))?;
                        }
                    }
                }
                _ => {
                    let v = value.as_str().ok_or_else(|| {
                        LatestVersionsError(format!("entry `{key}` must be a version string"))
                    })?;
                    out.versions.insert(key, v.to_owned());
                }
            }
        }
        Ok(out)
    }

    fn meta_mut(&mut self, name: &str) -> &mut BTreeMap<String, String> {
        match name {
            "fetched_at" => &mut self.fetched_at,
            "source" => &mut self.sources,
            "etag" => &mut self.etags,
            _ => &mut self.published_at,
        }
    }

    fn meta(&self, name: &str) -> &BTreeMap<String, String> {
        match name {
            "fetched_at" => &self.fetched_at,
            "source" => &self.sources,
            "etag" => &self.etags,
            _ => &self.published_at,
        }
    }

    /// Records a freshly fetched entry (a failed fetch never calls this, so a
    /// good entry is never replaced by an empty one).
    pub fn set(&mut self, tool: &str, entry: Entry) {
        self.versions.insert(tool.to_owned(), entry.version);
        self.fetched_at.insert(tool.to_owned(), entry.fetched_at);
        self.sources.insert(tool.to_owned(), entry.source);
        for (map, value) in [
            (&mut self.etags, entry.etag),
            (&mut self.published_at, entry.published_at),
        ] {
            match value {
                Some(v) => map.insert(tool.to_owned(), v),
                None => map.remove(tool),
            };
        }
    }

    /// The entry for `tool` if it was fetched from `source` (or from an unrecorded source).
    pub fn get(&self, tool: &str, source: &str) -> Option<&str> {
        let version = self.versions.get(tool)?;
        match self.sources.get(tool) {
            Some(s) if s != source => None,
            _ => Some(version),
        }
    }

    /// The entry for `tool` with the source it came from, if that is one of
    /// `upstreams` (an entry with no recorded source counts as the first's).
    pub fn get_from<'a>(
        &'a self,
        tool: &str,
        upstreams: &'a super::Upstreams,
    ) -> Option<(&'a str, String)> {
        let version = self.versions.get(tool)?;
        match self.sources.get(tool) {
            Some(s) if upstreams.contains(s) => Some((version, s.clone())),
            Some(_) => None,
            None => upstreams
                .iter()
                .next()
                .map(|u| (version.as_str(), u.to_string())),
        }
    }

    /// Serialises with sorted keys and a trailing newline, so commits diff cleanly.
    pub fn to_json(&self) -> String {
        let mut root = Map::new();
        root.insert("__hints__".into(), to_value(&self.hints));
        let mut meta = Map::new();
        for name in META_MAPS {
            let map = self.meta(name);
            if !map.is_empty() || name == "fetched_at" {
                meta.insert(name.into(), to_value(map));
            }
        }
        meta.insert("schema_version".into(), Value::from(1));
        root.insert("__meta__".into(), Value::Object(meta));
        for (k, v) in &self.versions {
            root.insert(k.clone(), Value::String(v.clone()));
        }
        let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn string_map(value: &Value, what: &str) -> Result<BTreeMap<String, String>, LatestVersionsError> {
    let object = value
        .as_object()
        .ok_or_else(|| LatestVersionsError(format!("`{what}` must be an object")))?;
    object
        .iter()
        .map(|(k, v)| {
            v.as_str()
                .map(|s| (k.clone(), s.to_owned()))
                .ok_or_else(|| LatestVersionsError(format!("`{what}.{k}` must be a string")))
        })
        .collect()
}

fn to_value(map: &BTreeMap<String, String>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_bad_entries() {
        let text = r#"{"__hints__": {"github:a/b": "releases_latest"}, "__meta__": {"fetched_at": {"rg": "2026-01-01T00:00:00Z"}, "etag": {"rg": "\"x\""}, "schema_version": 1}, "rg": "14.1.1"}"#;
        let parsed = LatestVersions::parse(text).unwrap();
        assert_eq!(parsed.versions["rg"], "14.1.1");
        assert_eq!(parsed.etags["rg"], "\"x\"");
        assert_eq!(LatestVersions::parse(&parsed.to_json()).unwrap(), parsed);
        let err = LatestVersions::parse(r#"{"rg": 14}"#).unwrap_err();
        assert!(err.to_string().contains("`rg`"), "{err}");
    }

    #[test]
    fn entries_from_another_source_are_ignored() {
        let mut cache = LatestVersions::default();
        cache.set(
            "rg",
            Entry {
                version: "14.1.1".into(),
                fetched_at: "t".into(),
                source: "github:BurntSushi/ripgrep".into(),
                etag: None,
                published_at: None,
            },
        );
        assert_eq!(cache.get("rg", "github:BurntSushi/ripgrep"), Some("14.1.1"));
        assert_eq!(cache.get("rg", "crates:ripgrep"), None);
    }

    #[test]
    fn the_embedded_baseline_parses() {
        let parsed = LatestVersions::parse(super::super::EMBEDDED_BASELINE).unwrap();
        for (tool, version) in &parsed.versions {
            assert!(
                crate::model::Version::parse(version).is_ok(),
                "{tool}: {version}"
            );
        }
    }
}
