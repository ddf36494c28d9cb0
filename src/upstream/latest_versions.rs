//! The `latest_versions.json` format: tool name → latest version, plus
//! `__hints__` (which lookup worked per source) and `__meta__` (fetched-at per entry).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Parsed `latest_versions.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LatestVersions {
    pub versions: BTreeMap<String, String>,
    pub fetched_at: BTreeMap<String, String>,
    pub hints: BTreeMap<String, String>,
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
                    if let Some(f) = value.get("fetched_at") {
                        out.fetched_at = string_map(f, "__meta__.fetched_at")?;
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

    /// Serialises with sorted keys and a trailing newline, so commits diff cleanly.
    pub fn to_json(&self) -> String {
        let mut root = Map::new();
        root.insert("__hints__".into(), to_value(&self.hints));
        let mut meta = Map::new();
        meta.insert("fetched_at".into(), to_value(&self.fetched_at));
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
        let text = r#"{"__hints__": {"github:a/b": "releases_latest"}, "__meta__": {"fetched_at": {"rg": "2026-01-01T00:00:00Z"}, "schema_version": 1}, "rg": "14.1.1"}"#;
        let parsed = LatestVersions::parse(text).unwrap();
        assert_eq!(parsed.versions["rg"], "14.1.1");
        assert_eq!(LatestVersions::parse(&parsed.to_json()).unwrap(), parsed);
        let err = LatestVersions::parse(r#"{"rg": 14}"#).unwrap_err();
        assert!(err.to_string().contains("`rg`"), "{err}");
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
