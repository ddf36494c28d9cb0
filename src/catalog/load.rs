//! Loading and validating catalog files from the embedded set, an overlay, or a replacement directory.

use crate::base::names::{is_valid_name, is_valid_package_name};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::presets::{PRESETS_FILE, parse_presets};
use super::spec::{Tool, ToolSpec, compile_pattern, install_keys};
use super::{Catalog, CatalogError};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/catalog");

/// The largest catalog file read from disk (the built-in ones are under 2 KiB).
const MAX_FILE_BYTES: u64 = crate::state::MIB;

/// Where the catalog comes from.
#[derive(Debug, Clone, Default)]
pub struct CatalogSource {
    /// `--catalog DIR` / `TOOLUP_CATALOG`: replaces the embedded catalog.
    pub replace: Option<PathBuf>,
    /// Enabled modules' `catalog/` directories, in order: each adds or
    /// overrides tools over the base, below the user's overlay.
    pub modules: Vec<PathBuf>,
    /// The user's overlay (config dir `catalog/`): adds or overrides tools.
    pub overlay: Option<PathBuf>,
    /// Compile every regex while loading (always done for files on disk;
    /// the embedded catalog is checked by the test suite and by `catalog validate`).
    pub strict: bool,
}

/// One catalog file's name and text.
struct CatalogFile {
    label: String,
    stem: String,
    text: String,
}

/// Loads the catalog: embedded (or the replacement), then the overlay on top.
pub fn load_catalog(source: &CatalogSource) -> Result<Catalog, CatalogError> {
    let mut tools = BTreeMap::new();
    let mut presets = BTreeMap::new();
    let base = match &source.replace {
        Some(dir) => read_dir_files(dir)?,
        None => embedded_files(),
    };
    let base_strict = source.strict || source.replace.is_some();
    let base_origin = source
        .replace
        .as_ref()
        .map_or_else(|| "built-in".to_owned(), |d| d.display().to_string());
    merge(base, base_strict, &base_origin, &mut tools, &mut presets)?;
    for dir in source.modules.iter().filter(|d| d.is_dir()) {
        // `modules/NAME/catalog`: the module is the catalog's parent.
        let module = dir
            .parent()
            .and_then(Path::file_name)
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let origin = format!("module {module}");
        merge(
            read_dir_files(dir)?,
            true,
            &origin,
            &mut tools,
            &mut presets,
        )?;
    }
    if let Some(dir) = source.overlay.as_deref().filter(|d| d.is_dir()) {
        merge(
            read_dir_files(dir)?,
            true,
            "your catalog",
            &mut tools,
            &mut presets,
        )?;
    }
    finish(tools, presets)
}

/// One layer of catalog files held as texts: where it comes from
/// (`built-in`, `module NAME`, `your catalog`), whether its regexes are
/// compiled while loading, and its files as (path, text), the file stem
/// naming the tool (`presets.toml` holds presets).
pub struct Layer<'a> {
    pub origin: &'a str,
    pub strict: bool,
    pub files: &'a [(String, String)],
}

/// The catalog of these layers, lowest first: what `load_catalog` makes of
/// its directories, for callers that hold the texts (the fuzz target
/// `catalog_layers`).
pub fn load_layers(layers: &[Layer<'_>]) -> Result<Catalog, CatalogError> {
    let mut tools = BTreeMap::new();
    let mut presets = BTreeMap::new();
    for layer in layers {
        let files = layer
            .files
            .iter()
            .map(|(path, text)| CatalogFile {
                label: path.clone(),
                stem: Path::new(path)
                    .file_stem()
                    .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
                text: text.clone(),
            })
            .collect();
        merge(files, layer.strict, layer.origin, &mut tools, &mut presets)?;
    }
    finish(tools, presets)
}

/// The merged layers as one catalog, once every tool a tool requires and
/// every tool a preset names is known.
fn finish(
    tools: BTreeMap<String, Tool>,
    presets: BTreeMap<String, super::Preset>,
) -> Result<Catalog, CatalogError> {
    let catalog = Catalog {
        tools: tools.into_values().collect(),
        presets,
    };
    for tool in &catalog.tools {
        if let Some(missing) = tool.spec.requires.iter().find(|r| catalog.get(r).is_none()) {
            return Err(CatalogError::new(
                &format!("catalog/{}.toml", tool.name()),
                format!("requires unknown tool `{missing}`"),
            ));
        }
    }
    for preset in catalog.presets.values() {
        if let Some(missing) = preset.tools.iter().find(|t| catalog.get(t).is_none()) {
            return Err(CatalogError::new(
                &preset.file,
                format!("preset `{}` names unknown tool `{missing}`", preset.name),
            ));
        }
    }
    Ok(catalog)
}

/// Parses every file of a catalog directory on its own (strictly, regexes
/// compiled) and returns the tool names it defines.
pub fn check_dir(dir: &Path) -> Result<Vec<String>, CatalogError> {
    let mut tools = BTreeMap::new();
    let mut presets = BTreeMap::new();
    merge(read_dir_files(dir)?, true, "", &mut tools, &mut presets)?;
    Ok(tools.into_keys().collect())
}

/// Adds one layer's files; a tool it defines again replaces the earlier
/// one, and says so in its origin.
fn merge(
    files: Vec<CatalogFile>,
    strict: bool,
    origin: &str,
    tools: &mut BTreeMap<String, Tool>,
    presets: &mut BTreeMap<String, super::Preset>,
) -> Result<(), CatalogError> {
    for file in files {
        if file.stem == PRESETS_FILE.trim_end_matches(".toml") {
            presets.extend(parse_presets(&file.label, &file.text)?);
        } else {
            let mut tool = parse_tool_file(&file.label, &file.stem, &file.text, strict)?;
            tool.origin = match tools.get(&tool.spec.name) {
                Some(earlier) => format!("{origin} (over {})", earlier.origin),
                None => origin.to_owned(),
            };
            tools.insert(tool.spec.name.clone(), tool);
        }
    }
    Ok(())
}

fn embedded_files() -> Vec<CatalogFile> {
    EMBEDDED
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .filter_map(|f| {
            let stem = f.path().file_stem()?.to_str()?.to_owned();
            Some(CatalogFile {
                label: format!("catalog/{}", f.path().display()),
                stem,
                text: f.contents_utf8()?.to_owned(),
            })
        })
        .collect()
}

fn read_dir_files(dir: &Path) -> Result<Vec<CatalogFile>, CatalogError> {
    let label = dir.display().to_string();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CatalogError::new(&label, format!("cannot read catalog directory: {e}")))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| CatalogError::new(&label, format!("cannot read catalog directory: {e}")))?
            .path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let file_label = path.display().to_string();
        let text = crate::state::read_text(&path, MAX_FILE_BYTES)
            .map_err(|e| CatalogError::new(&file_label, format!("cannot read: {}", e.why)))?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        files.push(CatalogFile {
            label: file_label,
            stem,
            text,
        });
    }
    files.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(files)
}

/// A version file is read relative to the binary's directory: at most one
/// level up (`../VERSION`, `../release`), then down — never a path that
/// reaches elsewhere on the machine (`../../../etc/shadow`, `/etc/…`).
fn is_near_the_binary(file: &str) -> bool {
    use std::path::Component;
    let path = Path::new(file);
    let mut ups = 0;
    let mut downs = 0;
    for c in path.components() {
        match c {
            Component::ParentDir if downs == 0 => ups += 1,
            Component::Normal(_) => downs += 1,
            Component::CurDir => {}
            _ => return false,
        }
    }
    ups <= 1 && downs >= 1
}

/// A config file to back up is the tool's own, in the home directory:
/// `~/…`, and never climbing out of it.
fn is_in_home(file: &str) -> bool {
    file.strip_prefix("~/").is_some_and(|rest| {
        !rest.is_empty()
            && Path::new(rest)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
    })
}

/// Parses and validates one tool file (`label` names it in errors; its
/// `name` must be `stem`).
pub fn parse_tool_file(
    label: &str,
    stem: &str,
    text: &str,
    strict: bool,
) -> Result<Tool, CatalogError> {
    let spec: ToolSpec =
        toml::from_str(text).map_err(|e| CatalogError::from_toml(label, text, &e))?;
    let field_error =
        |field: &str, message: String| CatalogError::new(label, message).at_field(text, field);

    if !is_valid_name(&spec.name) {
        return Err(field_error(
            "name",
            format!(
                "invalid tool name {:?}: use lowercase letters, digits, '-', '_', '.', '+'",
                spec.name
            ),
        ));
    }
    if spec.name != stem {
        return Err(field_error(
            "name",
            format!("name {:?} must match the file name {stem:?}", spec.name),
        ));
    }
    if spec.category.trim().is_empty() {
        return Err(field_error("category", "must not be empty".to_owned()));
    }
    if spec.bins.is_empty() {
        return Err(field_error(
            "bins",
            "needs at least one executable name".to_owned(),
        ));
    }
    if let Some(bad) = spec
        .bins
        .iter()
        .find(|b| b.is_empty() || b.contains('/') || b.starts_with('.'))
    {
        return Err(field_error(
            "bins",
            format!("{bad:?} is not a plain executable name"),
        ));
    }
    let upstream = spec
        .upstream
        .parse()
        .map_err(|m| field_error("upstream", m))?;
    let keys = install_keys();
    for (key, package) in &spec.install {
        if !keys.contains(&key.as_str()) {
            return Err(field_error(
                key,
                format!(
                    "unknown package manager `{key}` in [install] (one of {}){}",
                    keys.join(", "),
                    crate::base::names::did_you_mean(key, keys.iter().copied())
                ),
            ));
        }
        if !is_valid_package_name(package) {
            return Err(field_error(
                key,
                format!("invalid package name {package:?}"),
            ));
        }
    }
    if let Some(file) = &spec.version_file
        && !is_near_the_binary(file)
    {
        return Err(field_error(
            "version_file",
            format!(
                "{file:?} must be a file beside the binary's directory or its parent (like \"../VERSION\"), not elsewhere on the machine"
            ),
        ));
    }
    if let Some(bad) = spec.config_files.iter().find(|f| !is_in_home(f)) {
        return Err(field_error(
            "config_files",
            format!(
                "{bad:?} must be a file in the home directory, written `~/…` (a tool's own config), without `..`"
            ),
        ));
    }
    if spec.version_file_pattern.is_some() && spec.version_file.is_none() {
        return Err(field_error(
            "version_file_pattern",
            "needs `version_file`".to_owned(),
        ));
    }
    if strict {
        check_regex(&spec.version_pattern, true).map_err(|m| field_error("version_pattern", m))?;
        check_regex(&spec.identity, false).map_err(|m| field_error("identity", m))?;
        check_regex(&spec.version_file_pattern, true)
            .map_err(|m| field_error("version_file_pattern", m))?;
    }
    Ok(Tool::new(spec, upstream))
}

fn check_regex(pattern: &Option<String>, needs_group: bool) -> Result<(), String> {
    let Some(pattern) = pattern else {
        return Ok(());
    };
    let re = compile_pattern(pattern).map_err(|e| format!("invalid regex: {e}"))?;
    if needs_group && re.captures_len() < 2 {
        return Err("regex needs a capture group: group 1 is the version".to_owned());
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "ripgrep"
description = "Recursive regex search"
category = "search"
bins = ["rg"]
version_pattern = 'ripgrep (\S+)'
upstream = "github:BurntSushi/ripgrep"
[install]
apt = "ripgrep"
"#;

    fn err(text: &str) -> CatalogError {
        parse_tool_file("x/ripgrep.toml", "ripgrep", text, true).unwrap_err()
    }

    #[test]
    fn each_tool_says_which_layer_defined_it() {
        let root = tempfile::tempdir().unwrap();
        let module = root.path().join("team/catalog");
        let overlay = root.path().join("overlay");
        std::fs::create_dir_all(&module).unwrap();
        std::fs::create_dir_all(&overlay).unwrap();
        std::fs::write(module.join("ripgrep.toml"), GOOD).unwrap();
        std::fs::write(overlay.join("ripgrep.toml"), GOOD).unwrap();
        let only_module = load_catalog(&CatalogSource {
            modules: vec![module.clone()],
            ..CatalogSource::default()
        })
        .unwrap();
        let origin = |c: &Catalog, name: &str| c.get(name).unwrap().origin.clone();
        assert_eq!(
            origin(&only_module, "ripgrep"),
            "module team (over built-in)"
        );
        assert_eq!(origin(&only_module, "jq"), "built-in");
        let both = load_catalog(&CatalogSource {
            modules: vec![module],
            overlay: Some(overlay),
            ..CatalogSource::default()
        })
        .unwrap();
        assert_eq!(
            origin(&both, "ripgrep"),
            "your catalog (over module team (over built-in))"
        );
    }

    #[test]
    fn config_files_are_the_tools_own_in_home() {
        assert!(is_in_home("~/.config/bat/config"));
        for bad in [
            "/etc/sudoers",
            "~/../../etc/sudoers",
            "~/",
            "relative/file",
            "~user/x",
        ] {
            assert!(!is_in_home(bad), "{bad}");
        }
        let text = GOOD.replace("[install]", "config_files = [\"/etc/sudoers\"]\n[install]");
        let e = err(&text);
        assert!(e.to_string().contains("config_files"), "{e}");
    }

    #[test]
    fn a_version_file_stays_beside_the_binary() {
        for good in ["../VERSION", "../release", "VERSION", "share/VERSION"] {
            assert!(is_near_the_binary(good), "{good}");
        }
        for bad in [
            "../../../etc/shadow",
            "/etc/shadow",
            "../..",
            "..",
            "a/../../b",
            "",
        ] {
            assert!(!is_near_the_binary(bad), "{bad}");
        }
        let text = GOOD.replace(
            "[install]",
            "version_file = \"../../../../etc/shadow\"\n[install]",
        );
        let e = err(&text);
        assert!(e.to_string().contains("version_file"), "{e}");
    }

    #[test]
    fn parses_a_good_file() {
        let tool = parse_tool_file("x/ripgrep.toml", "ripgrep", GOOD, true).unwrap();
        assert_eq!(tool.spec.bins, ["rg"]);
        assert_eq!(tool.version_args(), ["--version"]);
    }

    #[test]
    fn type_error_names_line_and_field() {
        let e = err(&GOOD.replace(r#"bins = ["rg"]"#, r#"bins = "rg""#));
        assert_eq!(e.line, Some(5), "{e}");
        assert_eq!(e.field.as_deref(), Some("bins"), "{e}");
        assert!(
            e.to_string().starts_with("x/ripgrep.toml:5: field `bins`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let e = err(&GOOD.replace("bins =", "binz ="));
        assert_eq!(e.field.as_deref(), Some("binz"), "{e}");
        assert_eq!(e.line, Some(5));
        let e = err(&GOOD.replace("category = \"search\"\n", ""));
        assert_eq!(e.field.as_deref(), Some("category"), "{e}");
    }

    #[test]
    fn semantic_errors_point_at_their_line() {
        let e = err(&GOOD.replace(r"ripgrep (\S+)", r"ripgrep \S+"));
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(6), Some("version_pattern")),
            "{e}"
        );
        let e = err(&GOOD.replace(r"ripgrep (\S+)", r"ripgrep (\S+"));
        assert!(e.message.contains("invalid regex"), "{e}");
        let e = err(&GOOD.replace("github:BurntSushi/ripgrep", "svn:ripgrep"));
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(7), Some("upstream")),
            "{e}"
        );
        let e = err(&GOOD.replace(r#"apt = "ripgrep""#, r#"apt = "rg; rm -rf /""#));
        assert_eq!((e.line, e.field.as_deref()), (Some(9), Some("apt")), "{e}");
        let e = err(&GOOD.replace(r#"name = "ripgrep""#, r#"name = "rg""#));
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("name")), "{e}");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let e = err(&GOOD.replace("category = \"search\"", "category = \"search"));
        assert_eq!(e.line, Some(4), "{e}");
    }

    #[test]
    fn package_names_reject_shell_and_options() {
        for bad in [
            "", "-rf", "a b", "a;b", "$(x)", "a|b", "a`b`", "a>b", "a\nb",
        ] {
            assert!(!is_valid_package_name(bad), "{bad:?}");
        }
        for good in [
            "ripgrep",
            "@biomejs/biome",
            "python3.11",
            "g++",
            "github.com/x/y",
        ] {
            assert!(is_valid_package_name(good), "{good:?}");
        }
    }
}
