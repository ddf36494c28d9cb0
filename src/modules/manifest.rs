//! `module.toml`: a module's name, schema version (semver), whether it is
//! enabled, the oldest toolup that understands it, and an optional
//! post-update check. Errors name the file, line and field.

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

/// The file that makes a directory a module.
pub const MANIFEST: &str = "module.toml";

/// `module.toml` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    name: String,
    schema_version: String,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    description: String,
    min_toolup: Option<String>,
    /// A command inside the module, run after it is swapped in: argv, the
    /// first a path relative to the module; exit 0 keeps the new version.
    #[serde(default)]
    check: Vec<String>,
}

fn yes() -> bool {
    true
}

/// A module's manifest, checked.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub name: String,
    pub schema_version: semver::Version,
    pub enabled: bool,
    pub description: String,
    pub min_toolup: Option<semver::Version>,
    pub check: Vec<String>,
}

/// This toolup's own version, which `min_toolup` is compared with.
pub fn toolup_version() -> semver::Version {
    semver::Version::parse(env!("CARGO_PKG_VERSION"))
        .unwrap_or_else(|e| unreachable!("Cargo.toml's version is semver: {e}"))
}

impl Manifest {
    /// Reads `DIR/module.toml`.
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join(MANIFEST);
        // The file itself, never what a link points at (outside the module).
        if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(format!("{}: not a regular file", path.display()));
        }
        let text =
            crate::state::read_text(&path, 64 * crate::state::KIB).map_err(|e| e.to_string())?;
        Manifest::parse(&path, &text)
    }

    /// Parses a manifest's text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Manifest, String> {
        let file: ManifestFile = toml::from_str(text)
            .map_err(|e| crate::base::toml_location::describe(path, text, &e))?;
        let field_error = |field: &str, message: String| {
            let line = crate::base::toml_location::line_of_key(text, field)
                .map_or_else(String::new, |l| format!(":{l}"));
            format!("{}{line}: field `{field}`: {message}", path.display())
        };
        if !is_module_name(&file.name) {
            return Err(field_error(
                "name",
                format!(
                    "{:?} is not a module name (lowercase letters, digits, - _ . +; not ending in .json)",
                    crate::base::printer::visible(&file.name)
                ),
            ));
        }
        let semver = |field: &str, value: &str| {
            semver::Version::parse(value.trim()).map_err(|e| {
                field_error(
                    field,
                    format!(
                        "{:?} is not a semantic version such as 1.2.0 ({e})",
                        crate::base::printer::visible(value)
                    ),
                )
            })
        };
        let schema_version = semver("schema_version", &file.schema_version)?;
        let min_toolup = file
            .min_toolup
            .as_deref()
            .map(|v| semver("min_toolup", v))
            .transpose()?;
        if let Some(program) = file.check.first() {
            inside(program).map_err(|m| field_error("check", m))?;
        }
        Ok(Manifest {
            name: file.name,
            schema_version,
            enabled: file.enabled,
            description: file.description,
            min_toolup,
            check: file.check,
        })
    }

    /// `Some("needs toolup ≥ X")` when this toolup is older than the module allows.
    pub fn too_new(&self) -> Option<String> {
        let needed = self.min_toolup.as_ref()?;
        let ours = toolup_version();
        (*needed > ours).then(|| format!("needs toolup ≥ {needed} (this is {ours})"))
    }
}

/// A module's name: a catalog-style name that cannot be taken for one of
/// the modules directory's own files (`index.json`).
pub fn is_module_name(name: &str) -> bool {
    crate::base::names::is_valid_name(name) && !name.ends_with(".json")
}

/// Checks that a path named inside a module stays inside it: relative, with
/// no `..` and no root.
pub fn inside(path: &str) -> Result<PathBuf, String> {
    let p = Path::new(path);
    if path.is_empty() {
        return Err("an empty path".to_owned());
    }
    if p.components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "{:?} leaves the module (it must be a relative path without `..`)",
            crate::base::printer::visible(path)
        ));
    }
    Ok(p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest, String> {
        Manifest::parse(Path::new("m/module.toml"), text)
    }

    #[test]
    fn a_manifest_reads_with_its_defaults() {
        let m = parse("name = \"team\"\nschema_version = \"1.2.0\"\n").unwrap();
        assert_eq!(m.schema_version, semver::Version::new(1, 2, 0));
        assert!(m.enabled && m.min_toolup.is_none() && m.check.is_empty());
        assert!(m.too_new().is_none());
    }

    #[test]
    fn errors_name_the_file_line_and_field() {
        let e = parse("name = \"team\"\n\nschema_version = \"1.2\"\n").unwrap_err();
        assert!(
            e.starts_with("m/module.toml:3: field `schema_version`"),
            "{e}"
        );
        let e = parse("name = \"Team X\"\nschema_version = \"1.0.0\"\n").unwrap_err();
        assert!(e.contains(":1: field `name`"), "{e}");
        let e = parse("name = \"index.json\"\nschema_version = \"1.0.0\"\n").unwrap_err();
        assert!(e.contains("not a module name"), "{e}");
        let e = parse("name = \"t\"\nschema_version = \"1.0.0\"\nenabeld = false\n").unwrap_err();
        assert!(e.contains(":3") && e.contains("enabeld"), "{e}");
        let e =
            parse("name = \"t\"\nschema_version = \"1.0.0\"\ncheck = [\"../x\"]\n").unwrap_err();
        assert!(
            e.contains("field `check`") && e.contains("leaves the module"),
            "{e}"
        );
        let e =
            parse("name = \"t\"\nschema_version = \"1.0.0\"\ncheck = [\"/bin/sh\"]\n").unwrap_err();
        assert!(e.contains("leaves the module"), "{e}");
    }

    #[test]
    fn a_module_for_a_newer_toolup_says_which() {
        let m =
            parse("name = \"t\"\nschema_version = \"1.0.0\"\nmin_toolup = \"99.0.0\"\n").unwrap();
        let why = m.too_new().unwrap();
        assert!(why.starts_with("needs toolup ≥ 99.0.0"), "{why}");
    }
}
