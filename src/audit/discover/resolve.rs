//! Shims and proxies resolved to the real installation, so the version and
//! the method describe what actually runs: pyenv/rbenv/asdf/mise shims,
//! rustup proxies, volta's shim.
//!
//! Resolution reads the same files the managers read (`.python-version`,
//! `~/.pyenv/version`, `rust-toolchain.toml`, rustup's `settings.toml`, …);
//! it never runs the manager.

use std::path::{Path, PathBuf};

use super::search_path::HostEnv;
use crate::base::paths::is_executable_file;

/// Where a candidate really leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The canonical path of the program that runs.
    pub target: PathBuf,
    /// The manager whose shim or proxy was followed, and how.
    pub via: Option<Via>,
    /// Set when the shim or proxy leads nowhere (a rustup component or a
    /// pyenv version without this command): the tool is not really there.
    pub unavailable: Option<String>,
}

/// A followed shim or proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    pub manager: ShimManager,
    /// The version or toolchain it selected (`3.11.7`, `stable-x86_64-unknown-linux-gnu`).
    pub selected: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShimManager {
    Pyenv,
    Rbenv,
    Asdf,
    Mise,
    Rustup,
    Volta,
}

/// Resolves `path` (found as `bin`) through any shim or proxy, then canonicalises it.
pub fn resolve(path: &Path, bin: &str, env: &HostEnv, cwd: &Path) -> Resolved {
    let (target, via, unavailable) = match shim_target(path, bin, env, cwd) {
        Shim::Plain => (path.to_path_buf(), None, None),
        Shim::Leads(target, via) => (target, Some(via), None),
        Shim::Nowhere(manager) => (
            path.to_path_buf(),
            None,
            Some(format!(
                "{manager} shim for {bin}, but the selected version does not provide it"
            )),
        ),
    };
    let target = std::fs::canonicalize(&target).unwrap_or(target);
    Resolved {
        target,
        via,
        unavailable,
    }
}

/// What a candidate is, shim-wise.
enum Shim {
    Plain,
    Leads(PathBuf, Via),
    /// A shim of this manager that selects nothing runnable.
    Nowhere(&'static str),
}

fn shim_target(path: &Path, bin: &str, env: &HostEnv, cwd: &Path) -> Shim {
    let Some(dir) = path.parent() else {
        return Shim::Plain;
    };
    let same = |root: Option<PathBuf>, sub: &str| root.is_some_and(|r| same_dir(dir, &r.join(sub)));
    let found = |target: Option<(PathBuf, Via)>, name: &'static str| match target {
        Some((t, via)) => Shim::Leads(t, via),
        None => Shim::Nowhere(name),
    };
    let root = dir.parent().unwrap_or(dir);
    if same(env.dir_or_home("PYENV_ROOT", ".pyenv"), "shims") {
        let target = version_manager(
            root,
            bin,
            env.var("PYENV_VERSION"),
            ".python-version",
            cwd,
            env,
            ShimManager::Pyenv,
        );
        return found(target, "pyenv");
    }
    if same(env.dir_or_home("RBENV_ROOT", ".rbenv"), "shims") {
        let target = version_manager(
            root,
            bin,
            env.var("RBENV_VERSION"),
            ".ruby-version",
            cwd,
            env,
            ShimManager::Rbenv,
        );
        return found(target, "rbenv");
    }
    if same(env.dir_or_home("ASDF_DATA_DIR", ".asdf"), "shims") {
        return found(
            tool_versions_shim(&root.join("installs"), bin, cwd, env, ShimManager::Asdf),
            "asdf",
        );
    }
    let mise = env
        .var("MISE_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| env.data_home().map(|d| d.join("mise")));
    if same(mise, "shims") {
        return found(
            tool_versions_shim(&root.join("installs"), bin, cwd, env, ShimManager::Mise),
            "mise",
        );
    }
    let cargo_bin = env
        .dir_or_home("CARGO_HOME", ".cargo")
        .map(|d| d.join("bin"));
    if cargo_bin.as_deref().is_some_and(|c| same_dir(dir, c)) && is_rustup_proxy(path, dir) {
        return found(rustup_target(bin, env, cwd), "rustup");
    }
    if same(env.dir_or_home("VOLTA_HOME", ".volta"), "bin") {
        // volta's own binaries live here too; only its shims resolve.
        return volta_target(&root.join("tools"), bin)
            .map_or(Shim::Plain, |(t, v)| Shim::Leads(t, v));
    }
    Shim::Plain
}

/// The directories of shims that pick a version per project (pyenv, rbenv,
/// asdf, mise, volta), with the manager's name: each must come before the
/// system's directories on PATH or its choice never runs.
pub fn shim_dirs(env: &HostEnv) -> Vec<(PathBuf, &'static str)> {
    let mise = env
        .var("MISE_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| env.data_home().map(|d| d.join("mise")));
    [
        (env.dir_or_home("PYENV_ROOT", ".pyenv"), "shims", "pyenv"),
        (env.dir_or_home("RBENV_ROOT", ".rbenv"), "shims", "rbenv"),
        (env.dir_or_home("ASDF_DATA_DIR", ".asdf"), "shims", "asdf"),
        (mise, "shims", "mise"),
        (env.dir_or_home("VOLTA_HOME", ".volta"), "bin", "volta"),
    ]
    .into_iter()
    .filter_map(|(root, sub, name)| Some((root?.join(sub), name)))
    .collect()
}

/// True when both name the same directory.
pub fn same_dir(a: &Path, b: &Path) -> bool {
    a == b
        || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// pyenv and rbenv: `$VERSION` env, then a version file upward from cwd, then `<root>/version`.
fn version_manager(
    root: &Path,
    bin: &str,
    env_version: Option<&std::ffi::OsString>,
    local_file: &str,
    cwd: &Path,
    env: &HostEnv,
    manager: ShimManager,
) -> Option<(PathBuf, Via)> {
    let spec = env_version
        .map(|v| v.to_string_lossy().into_owned())
        .or_else(|| {
            find_upward(cwd, local_file)
                .and_then(|f| crate::state::read_text(&f, 16 * crate::state::MIB).ok())
        })
        .or_else(|| crate::state::read_text(root.join("version"), 16 * crate::state::MIB).ok())
        .unwrap_or_else(|| "system".to_owned());
    let versions = spec
        .split(|c: char| c == ':' || c.is_whitespace())
        .filter(|v| !v.is_empty() && !v.starts_with('#'));
    for version in versions {
        let selected = version.to_owned();
        if version == "system" {
            let shims = root.join("shims");
            let next = env
                .path_entries()
                .into_iter()
                .filter(|d| !same_dir(d, &shims))
                .map(|d| d.join(bin))
                .find(|p| is_executable_file(p));
            if let Some(p) = next {
                return Some((p, Via { manager, selected }));
            }
            continue;
        }
        let candidate = root.join("versions").join(version).join("bin").join(bin);
        if is_executable_file(&candidate) {
            return Some((candidate, Via { manager, selected }));
        }
    }
    None
}

fn find_upward(start: &Path, name: &str) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// asdf and mise: pick the installed version named in a `.tool-versions`, or the only one.
fn tool_versions_shim(
    installs: &Path,
    bin: &str,
    cwd: &Path,
    env: &HostEnv,
    manager: ShimManager,
) -> Option<(PathBuf, Via)> {
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for plugin in std::fs::read_dir(installs).ok()?.filter_map(Result::ok) {
        let Ok(versions) = std::fs::read_dir(plugin.path()) else {
            continue;
        };
        for version in versions.filter_map(Result::ok) {
            let candidate = version.path().join("bin").join(bin);
            if is_executable_file(&candidate) {
                found.push((
                    version.file_name().to_string_lossy().into_owned(),
                    candidate,
                ));
            }
        }
    }
    let wanted: Vec<String> = [
        find_upward(cwd, ".tool-versions"),
        env.home.as_ref().map(|h| h.join(".tool-versions")),
    ]
    .into_iter()
    .flatten()
    .filter_map(|f| crate::state::read_text(&f, 16 * crate::state::MIB).ok())
    .flat_map(|text| {
        text.lines()
            .flat_map(|l| {
                l.split_whitespace()
                    .skip(1)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    })
    .collect();
    let pick = wanted
        .iter()
        .find_map(|w| found.iter().find(|(v, _)| v == w))
        .or_else(|| (found.len() == 1).then(|| &found[0]))?;
    Some((
        pick.1.clone(),
        Via {
            manager,
            selected: pick.0.clone(),
        },
    ))
}

/// rustup's proxies are links to (or copies of) the rustup binary itself.
fn is_rustup_proxy(path: &Path, cargo_bin: &Path) -> bool {
    if path.file_name().is_some_and(|n| n == "rustup") {
        return false;
    }
    if let Ok(link) = std::fs::read_link(path) {
        return link
            .file_name()
            .is_some_and(|n| n == "rustup" || n == "rustup-init");
    }
    use std::os::unix::fs::MetadataExt;
    match (
        std::fs::metadata(path),
        std::fs::metadata(cargo_bin.join("rustup")),
    ) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

/// The active toolchain: `RUSTUP_TOOLCHAIN`, a toolchain file upward from cwd,
/// a directory override, then `default_toolchain`.
fn rustup_target(bin: &str, env: &HostEnv, cwd: &Path) -> Option<(PathBuf, Via)> {
    let rustup_home = env.dir_or_home("RUSTUP_HOME", ".rustup")?;
    let settings =
        crate::state::read_text(rustup_home.join("settings.toml"), 16 * crate::state::MIB)
            .unwrap_or_default();
    let settings: toml::Table = toml::from_str(&settings).unwrap_or_default();
    let from_file = cwd.ancestors().find_map(|d| {
        let text = crate::state::read_text(d.join("rust-toolchain.toml"), 16 * crate::state::MIB)
            .or_else(|_| crate::state::read_text(d.join("rust-toolchain"), 16 * crate::state::MIB))
            .ok()?;
        match toml::from_str::<toml::Table>(&text) {
            Ok(t) => t
                .get("toolchain")?
                .get("channel")?
                .as_str()
                .map(str::to_owned),
            Err(_) => text.lines().next().map(|l| l.trim().to_owned()),
        }
    });
    let from_override = settings
        .get("overrides")
        .and_then(|o| o.as_table())
        .and_then(|o| {
            cwd.ancestors().find_map(|d| {
                o.get(d.to_str()?)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            })
        });
    let toolchain = env
        .var("RUSTUP_TOOLCHAIN")
        .map(|v| v.to_string_lossy().into_owned())
        .or(from_file)
        .or(from_override)
        .or_else(|| {
            settings
                .get("default_toolchain")?
                .as_str()
                .map(str::to_owned)
        })?;
    let toolchains = rustup_home.join("toolchains");
    let dir = if toolchains.join(&toolchain).is_dir() {
        toolchain.clone()
    } else {
        // `stable` names the directory `stable-<host triple>`.
        std::fs::read_dir(&toolchains)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!("{toolchain}-")))
            .min()?
    };
    let target = toolchains.join(&dir).join("bin").join(bin);
    is_executable_file(&target).then_some((
        target,
        Via {
            manager: ShimManager::Rustup,
            selected: dir,
        },
    ))
}

/// volta: node from `tools/user/platform.json`, packages from `tools/image/packages`.
fn volta_target(tools: &Path, bin: &str) -> Option<(PathBuf, Via)> {
    let via = |selected: String| Via {
        manager: ShimManager::Volta,
        selected,
    };
    let platform: serde_json::Value = serde_json::from_str(
        &crate::state::read_text(tools.join("user/platform.json"), 16 * crate::state::MIB).ok()?,
    )
    .ok()?;
    let node = platform.get("node")?;
    if let Some(runtime) = node.get("runtime").and_then(|v| v.as_str()) {
        let base = tools.join("image/node").join(runtime).join("bin").join(bin);
        if is_executable_file(&base) {
            return Some((base, via(runtime.to_owned())));
        }
    }
    let packages = tools.join("image/packages");
    for entry in std::fs::read_dir(&packages).ok()?.filter_map(Result::ok) {
        let candidate = entry.path().join("bin").join(bin);
        if is_executable_file(&candidate) {
            return Some((
                candidate,
                via(entry.file_name().to_string_lossy().into_owned()),
            ));
        }
    }
    None
}
