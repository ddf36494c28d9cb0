//! Is a staged module fit to install? Its manifest reads and names it, this
//! toolup is new enough, every catalog file parses (strictly) and the whole
//! catalog still loads with it, every plugin manifest points inside the
//! module and passes `plugins validate`. And after the swap, the post-update
//! check: the installed tree is the staged one, byte for byte, and the
//! module's own `check` command (if any) exits 0.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::manifest::{Manifest, inside};
use crate::catalog::CatalogSource;

/// What a valid module brings.
#[derive(Debug, Clone, Default)]
pub struct Contents {
    pub tools: Vec<String>,
    pub plugins: Vec<String>,
}

/// Checks the module staged at `dir`, expected to be called `name`; `base`
/// is the catalog it will join (the other enabled modules included).
pub fn staged(dir: &Path, name: &str, base: &CatalogSource) -> Result<Contents, String> {
    let manifest = Manifest::read(dir)?;
    if manifest.name != name {
        return Err(format!(
            "{}: field `name`: {:?} must match its directory {name:?}",
            dir.join(super::MANIFEST).display(),
            manifest.name
        ));
    }
    if let Some(why) = manifest.too_new() {
        return Err(why);
    }
    if let Some(program) = manifest.check.first() {
        let path = dir.join(inside(program)?);
        if !crate::base::paths::is_executable_file(&path) || !resolves_inside(dir, &path) {
            return Err(format!(
                "{}: field `check`: {program:?} is not an executable file in the module",
                dir.join(super::MANIFEST).display()
            ));
        }
    }
    let mut contents = Contents::default();
    let catalog = dir.join("catalog");
    if catalog.is_dir() {
        contents.tools = crate::catalog::check_dir(&catalog).map_err(|e| e.to_string())?;
        let mut with_it = base.clone();
        with_it.modules.push(catalog);
        with_it.strict = false;
        crate::catalog::load_catalog(&with_it).map_err(|e| e.to_string())?;
    }
    let plugins = dir.join("plugins.d");
    for path in crate::managers::plugin::manifests(std::slice::from_ref(&plugins)) {
        let plugin = load_plugin(dir, &path)?;
        let failed: Vec<String> = crate::managers::plugin::validate(&plugin)
            .into_iter()
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.check, c.detail))
            .collect();
        if !failed.is_empty() {
            return Err(format!(
                "plugin {} ({}) does not conform: {}",
                plugin.manifest.name,
                path.display(),
                failed.join("; ")
            ));
        }
        contents.plugins.push(plugin.manifest.name.clone());
    }
    Ok(contents)
}

/// A module's plugin: its executable must be a path inside the module.
fn load_plugin(dir: &Path, manifest: &Path) -> Result<crate::managers::plugin::Plugin, String> {
    let plugin = crate::managers::plugin::Plugin::load(manifest)?;
    let named = plugin.manifest.executable.display().to_string();
    if plugin.manifest.executable.is_absolute() || !resolves_inside(dir, &plugin.executable) {
        return Err(format!(
            "{}: field `executable`: {named:?} resolves outside the module",
            manifest.display()
        ));
    }
    Ok(plugin)
}

/// Whether `path`, symlinks resolved, is inside `root`.
fn resolves_inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    }
}

/// The post-update check of the module now installed at `dir`.
pub fn installed(dir: &Path, staged_hash: &str) -> Result<(), String> {
    let now = crate::state::tree::hash(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if now != staged_hash {
        return Err(format!(
            "{}: the installed files differ from the staged ones",
            dir.display()
        ));
    }
    let manifest = Manifest::read(dir)?;
    let Some((program, args)) = manifest.check.split_first() else {
        return Ok(());
    };
    let program: PathBuf = dir.join(inside(program)?);
    let version = manifest.schema_version.to_string();
    let module_dir = dir.display().to_string();
    let out = crate::exec::run(
        &crate::exec::ProcessRequest::query(&program, args, Duration::from_secs(120))
            .env(&[
                ("TOOLUP_MODULE_DIR", &module_dir),
                ("TOOLUP_MODULE_VERSION", &version),
            ])
            .capture(64 * 1024)
            .cwd(Some(dir)),
    )
    .map_err(|e| format!("post-update check {}: {e}", program.display()))?;
    if out.status.is_some_and(|s| s.success()) && !out.timed_out {
        return Ok(());
    }
    let said = crate::base::text::clean_output(&out.stdout, &out.stderr);
    let last = said
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    Err(format!(
        "post-update check `{}` {}{}",
        manifest.check.join(" "),
        if out.timed_out {
            "did not finish within 120s".to_owned()
        } else {
            out.status
                .and_then(|s| s.code())
                .map_or_else(|| "was killed".to_owned(), |c| format!("exited {c}"))
        },
        if last.is_empty() {
            String::new()
        } else {
            format!(": {}", last.trim())
        }
    ))
}
