//! How an installation got onto the machine: the install-method ids of
//! DESIGN.md, each with a short reason.
//!
//! Rules look at the path the user runs and the real file it resolves to;
//! version-manager and user-level layouts are recognised first, then the
//! system package database (dpkg) owns what is left in system directories.
//!
//! A rule names a manager only from evidence that manager leaves: an npm
//! package directory is npm's whatever the package is called (`pnpm`, `yarn`),
//! a manager's home is matched as a directory prefix, never as a substring of
//! any path, and `~/.cargo/bin` holds `cargo install`'s binaries only where
//! cargo's own record (`.crates2.json`) lists them.

use std::path::{Component, Path};

use super::dpkg::DpkgIndex;
use super::resolve::{Resolved, ShimManager};
use super::search_path::HostEnv;
use crate::model::Method;

/// A method and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub method: Method,
    pub reason: String,
    /// The package that owns the file, when the layout or database says
    /// (dpkg's package, the pipx venv, the uv tool, the npm package).
    pub package: Option<String>,
}

/// A classification that knows the package owning the file.
fn owned(method: Method, reason: String, package: &str) -> Classification {
    Classification {
        package: Some(package.to_owned()),
        ..class(method, reason)
    }
}

fn class(method: Method, reason: impl Into<String>) -> Classification {
    Classification {
        method,
        reason: reason.into(),
        package: None,
    }
}

/// The package databases a classification may consult, read on first need.
pub trait Databases {
    /// dpkg's index of the files this run found.
    fn dpkg(&self) -> Option<&DpkgIndex>;
    /// What cargo's record in `cargo_home` says of binary `bin`.
    fn cargo_owner(&self, cargo_home: &Path, bin: &str) -> CargoOwner;
}

/// cargo's answer for one binary in its `bin/` directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CargoOwner {
    /// `cargo install` of this crate put it there.
    Crate(String),
    /// cargo keeps a record and this binary is not in it.
    NotListed,
    /// cargo keeps no record here (nothing installed yet, or an old cargo).
    NoRecord,
}

/// Classifies one installation. dpkg is consulted only for files in system locations.
pub fn classify(
    bin: &str,
    found_as: &Path,
    resolved: &Resolved,
    env: &HostEnv,
    db: &dyn Databases,
) -> Classification {
    let target = &resolved.target;
    let t = target.to_string_lossy();
    if let Some(via) = &resolved.via {
        match via.manager {
            ShimManager::Rustup => {
                return class(
                    Method::Rustup,
                    format!("rustup proxy → toolchain {}", via.selected),
                );
            }
            ShimManager::Volta => {
                return class(Method::Volta, format!("volta shim → {}", via.selected));
            }
            ShimManager::Asdf => {
                return class(Method::Asdf, format!("asdf shim → {}", via.selected));
            }
            ShimManager::Mise => {
                return class(Method::Mise, format!("mise shim → {}", via.selected));
            }
            // pyenv and rbenv resolve to a versions/ directory that the layout rules name.
            ShimManager::Pyenv | ShimManager::Rbenv => {}
        }
    }
    if let Some(c) = by_layout(bin, &t, target, env, db) {
        return c;
    }
    if let Some(index) = db.dpkg() {
        for path in [found_as, target.as_path()] {
            if let Some(pkg) = index.owner(path) {
                if let Some(c) = replaced_npm_package(index, pkg, target) {
                    return c;
                }
                return Classification {
                    package: Some(pkg.to_owned()),
                    ..class(Method::Apt, format!("dpkg: {pkg}"))
                };
            }
        }
    }
    if t.contains("/lib/node_modules/") {
        let pkg = node_package(target).unwrap_or_default();
        return owned(Method::Npm, format!("npm -g {pkg}"), &pkg);
    }
    let home = env.home.as_deref();
    let f = found_as.to_string_lossy();
    if f.contains("/node_modules/.bin/") {
        return class(Method::Project, "node_modules/.bin of a project");
    }
    if let Some(venv) = venv_root(target) {
        return class(Method::Project, format!("virtualenv {}", venv.display()));
    }
    if t.starts_with("/usr/local/") || t.starts_with("/opt/") {
        return class(
            Method::Manual,
            format!("installed by hand under {}", first_dirs(target, 3)),
        );
    }
    if let Some(home) = home
        && (found_as.starts_with(home.join("bin")) || found_as.starts_with(home.join(".local/bin")))
    {
        return class(
            Method::Manual,
            format!(
                "placed by hand in {}",
                found_as
                    .parent()
                    .map_or(String::new(), |p| p.display().to_string())
            ),
        );
    }
    if t.starts_with("/usr/") || t.starts_with("/bin/") || t.starts_with("/sbin/") {
        return class(
            Method::Unknown,
            "system directory, no package database owns it",
        );
    }
    class(Method::Unknown, "no known layout")
}

/// Layouts that identify a manager by where the real file lives.
fn by_layout(
    bin: &str,
    t: &str,
    target: &Path,
    env: &HostEnv,
    db: &dyn Databases,
) -> Option<Classification> {
    if let Some(v) = after(t, "/.rustup/toolchains/").or_else(|| rustup_home_match(t, env)) {
        return Some(class(Method::Rustup, format!("rustup toolchain {v}")));
    }
    if let Some(v) = after(t, "/.pyenv/versions/").or_else(|| after(t, "/pyenv/versions/")) {
        return Some(if is_python_runtime(bin) {
            class(Method::Pyenv, format!("pyenv Python {v}"))
        } else {
            class(Method::Pip, format!("pip into pyenv Python {v}"))
        });
    }
    if let Some(v) = after(t, "/pipx/venvs/") {
        return Some(owned(Method::Pipx, format!("pipx venv {v}"), &v));
    }
    if let Some(v) = after(t, "/uv/tools/") {
        return Some(owned(Method::Uv, format!("uv tool {v}"), &v));
    }
    if let Some(v) = after(t, "/uv/python/") {
        return Some(class(Method::Uv, format!("uv-managed Python {v}")));
    }
    if let Some(v) = after(t, "/.nvm/versions/node/") {
        return Some(match node_package(target) {
            Some(pkg) if pkg != "npm" && pkg != "corepack" => owned(
                Method::Npm,
                format!("npm -g {pkg} under nvm node {v}"),
                &pkg,
            ),
            Some(pkg) if pkg == "corepack" && bin != "corepack" => class(
                Method::Nvm,
                format!("corepack shim for {bin}, shipped with nvm node {v}"),
            ),
            _ => class(Method::Nvm, format!("nvm node {v}")),
        });
    }
    if let Some(v) = after(t, "/fnm/node-versions/") {
        return Some(class(Method::Fnm, format!("fnm node {v}")));
    }
    if let Some(v) = after(t, "/.volta/tools/image/") {
        return Some(class(Method::Volta, format!("volta {v}")));
    }
    if let Some(v) = after(t, "/.asdf/installs/") {
        return Some(class(Method::Asdf, format!("asdf {v}")));
    }
    if let Some(v) = after(t, "/mise/installs/") {
        return Some(class(Method::Mise, format!("mise {v}")));
    }
    if let Some(v) = after(t, "/.sdkman/candidates/") {
        return Some(class(Method::Sdkman, format!("sdkman {v}")));
    }
    if let Some(v) = after(t, "/.rbenv/versions/") {
        return Some(if matches!(bin, "ruby" | "irb" | "erb") {
            class(Method::Rbenv, format!("rbenv Ruby {v}"))
        } else {
            class(Method::Gem, format!("gem into rbenv Ruby {v}"))
        });
    }
    if let Some(v) = after(t, "/.gem/ruby/") {
        return Some(class(Method::Gem, format!("gem --user-install (Ruby {v})")));
    }
    if t.contains("/.bun/") {
        return Some(class(Method::Bun, "bun (~/.bun)"));
    }
    if let Some(c) = node_manager_homes(target, env) {
        return Some(c);
    }
    if let Some(c) = corepack_shim(bin, target) {
        return Some(c);
    }
    if t.starts_with("/nix/store/") {
        return Some(class(Method::Nix, "nix store"));
    }
    if t.starts_with("/snap/") {
        return Some(class(
            Method::Snap,
            format!("snap {}", nth_component(target, 2).unwrap_or_default()),
        ));
    }
    let flatpak_exports = [
        Some(std::path::PathBuf::from("/var/lib/flatpak/exports")),
        env.data_home().map(|d| d.join("flatpak/exports")),
    ];
    if flatpak_exports
        .iter()
        .flatten()
        .any(|d| target.starts_with(d))
    {
        return Some(class(Method::Flatpak, "flatpak export"));
    }
    if t.starts_with("/opt/homebrew/")
        || t.starts_with("/home/linuxbrew/")
        || t.contains("/.linuxbrew/")
        || t.contains("/Cellar/")
    {
        let formula = after(t, "/Cellar/").unwrap_or_else(|| "formula".to_owned());
        return Some(class(Method::Homebrew, format!("homebrew {formula}")));
    }
    if let Some(env_root) = conda_env(target) {
        return Some(class(
            Method::Conda,
            format!("conda environment {}", env_root.display()),
        ));
    }
    if let Some(cargo_home) = env.dir_or_home("CARGO_HOME", ".cargo")
        && target.parent() == Some(cargo_home.join("bin").as_path())
    {
        return Some(cargo_bin_owner(bin, target, &cargo_home, db));
    }
    let go_bins = [
        env.var("GOBIN").map(std::path::PathBuf::from),
        env.dir_or_home("GOPATH", "go").map(|d| d.join("bin")),
    ];
    if go_bins.iter().flatten().any(|d| target.starts_with(d)) {
        return Some(class(Method::Go, "go install (GOPATH/bin)"));
    }
    None
}

/// pnpm's and yarn's own global directories, as directory prefixes:
/// `PNPM_HOME` (default `~/.local/share/pnpm`), yarn's `~/.yarn/bin` and
/// `~/.config/yarn/global`. A package named `pnpm` inside npm's tree is npm's.
fn node_manager_homes(target: &Path, env: &HostEnv) -> Option<Classification> {
    let pnpm_homes = [
        env.var("PNPM_HOME").map(std::path::PathBuf::from),
        env.data_home().map(|d| d.join("pnpm")),
    ];
    if pnpm_homes.iter().flatten().any(|d| target.starts_with(d)) {
        return Some(match node_package(target) {
            Some(pkg) => owned(Method::Pnpm, format!("pnpm add -g {pkg}"), &pkg),
            None => class(Method::Pnpm, "pnpm global"),
        });
    }
    let yarn_homes = [
        env.home.as_ref().map(|h| h.join(".yarn")),
        env.config_home().map(|d| d.join("yarn/global")),
    ];
    if yarn_homes.iter().flatten().any(|d| target.starts_with(d)) {
        return Some(match node_package(target) {
            Some(pkg) => owned(Method::Yarn, format!("yarn global add {pkg}"), &pkg),
            None => class(Method::Yarn, "yarn global"),
        });
    }
    None
}

/// corepack's shims (`pnpm`, `yarn` linked to `…/node_modules/corepack/…`)
/// belong to the Node.js that ships corepack: npm's global tree when it lives
/// there, never a pnpm or yarn installation.
fn corepack_shim(bin: &str, target: &Path) -> Option<Classification> {
    if node_package(target).as_deref() != Some("corepack") || bin == "corepack" {
        return None;
    }
    Some(owned(
        Method::Npm,
        format!("corepack shim for {bin} (package corepack of Node.js)"),
        "corepack",
    ))
}

/// The conda environment holding `target`: a `conda-meta` directory beside its `bin/`.
fn conda_env(target: &Path) -> Option<&Path> {
    let root = target.parent()?.parent()?;
    root.join("conda-meta").is_dir().then_some(root)
}

/// A binary in `CARGO_HOME/bin`: `cargo install`'s only where cargo's record
/// lists it; rustup-init puts `rustup` (and its proxies) there too, and users
/// drop binaries there by hand.
fn cargo_bin_owner(
    bin: &str,
    target: &Path,
    cargo_home: &Path,
    db: &dyn Databases,
) -> Classification {
    let file = target
        .file_name()
        .map_or_else(|| bin.to_owned(), |f| f.to_string_lossy().into_owned());
    match db.cargo_owner(cargo_home, &file) {
        CargoOwner::Crate(krate) => owned(
            Method::Cargo,
            format!("cargo install {krate} (~/.cargo/bin)"),
            &krate,
        ),
        CargoOwner::NotListed | CargoOwner::NoRecord if file == "rustup" => class(
            Method::Rustup,
            "rustup itself, installed by rustup-init into ~/.cargo/bin",
        ),
        CargoOwner::NotListed => class(
            Method::Manual,
            format!(
                "placed in {} by hand: cargo's .crates2.json does not list it",
                target
                    .parent()
                    .map_or(String::new(), |p| p.display().to_string())
            ),
        ),
        CargoOwner::NoRecord => class(
            Method::Cargo,
            "cargo install (~/.cargo/bin; cargo keeps no .crates2.json to confirm)",
        ),
    }
}

/// The classic trap: `npm install -g npm` over the npm that Debian's (or
/// NodeSource's) nodejs package ships. dpkg still lists the files, but its
/// checksum of the package's `package.json` no longer matches.
fn replaced_npm_package(index: &DpkgIndex, owner: &str, target: &Path) -> Option<Classification> {
    let package = node_package(target)?;
    let t = target.to_string_lossy();
    let root =
        &t[..t.rfind(&format!("node_modules/{package}"))? + "node_modules/".len() + package.len()];
    let manifest = Path::new(root).join("package.json");
    index.is_modified(owner, &manifest)?.then(|| {
        owned(
            Method::Npm,
            format!("npm -g {package} replaced the copy from dpkg package {owner}"),
            &package,
        )
    })
}

fn is_python_runtime(bin: &str) -> bool {
    bin.starts_with("python")
        || bin.starts_with("pydoc")
        || bin == "idle"
        || bin.starts_with("idle3")
}

/// The path component right after `marker` (`3.11.7` in `…/.pyenv/versions/3.11.7/bin/x`).
fn after(t: &str, marker: &str) -> Option<String> {
    let start = t.find(marker)? + marker.len();
    let rest = &t[start..];
    let end = rest.find('/').unwrap_or(rest.len());
    Some(rest[..end].to_owned()).filter(|s| !s.is_empty())
}

fn rustup_home_match(t: &str, env: &HostEnv) -> Option<String> {
    let home = env.var("RUSTUP_HOME")?.to_string_lossy().into_owned();
    after(t, &format!("{}/toolchains/", home.trim_end_matches('/')))
}

/// The npm package containing `target` (`@scope/name` or `name`).
pub fn node_package(target: &Path) -> Option<String> {
    let parts: Vec<&str> = target
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let i = parts.iter().rposition(|p| *p == "node_modules")?;
    let first = parts.get(i + 1)?;
    if first.starts_with('@') {
        Some(format!("{first}/{}", parts.get(i + 2)?))
    } else {
        Some((*first).to_owned())
    }
}

/// The virtualenv that contains `target` (a `pyvenv.cfg` beside its `bin/`).
fn venv_root(target: &Path) -> Option<&Path> {
    let root = target.parent()?.parent()?;
    root.join("pyvenv.cfg").is_file().then_some(root)
}

fn first_dirs(path: &Path, n: usize) -> String {
    let parts: Vec<_> = path.components().take(n + 1).collect();
    parts
        .iter()
        .collect::<std::path::PathBuf>()
        .display()
        .to_string()
}

fn nth_component(path: &Path, n: usize) -> Option<String> {
    path.components()
        .nth(n)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// No dpkg; cargo's record, when given, lists `(crate, bin)` pairs.
    struct Fake(Option<Vec<(&'static str, &'static str)>>);

    impl Databases for Fake {
        fn dpkg(&self) -> Option<&DpkgIndex> {
            None
        }
        fn cargo_owner(&self, home: &Path, bin: &str) -> CargoOwner {
            assert_eq!(home, Path::new("/home/u/.cargo"));
            match &self.0 {
                None => CargoOwner::NoRecord,
                Some(list) => list
                    .iter()
                    .find(|(_, b)| *b == bin)
                    .map_or(CargoOwner::NotListed, |(c, _)| {
                        CargoOwner::Crate((*c).to_owned())
                    }),
            }
        }
    }

    fn run_with(db: &Fake, bin: &str, found: &str, target: &str) -> Classification {
        let env = HostEnv {
            home: Some(PathBuf::from("/home/u")),
            ..HostEnv::default()
        };
        let resolved = Resolved {
            target: PathBuf::from(target),
            via: None,
            unavailable: None,
        };
        classify(bin, Path::new(found), &resolved, &env, db)
    }

    fn run(bin: &str, found: &str, target: &str) -> Classification {
        run_with(&Fake(None), bin, found, target)
    }

    #[test]
    fn an_npm_package_is_npms_whatever_its_name() {
        let cases = [
            // `npm install -g pnpm` / `yarn`: npm's tree, not pnpm's or yarn's home.
            (
                "pnpm",
                "/usr/local/lib/node_modules/pnpm/bin/pnpm.cjs",
                Method::Npm,
                Some("pnpm"),
            ),
            (
                "yarn",
                "/usr/local/lib/node_modules/yarn/bin/yarn.js",
                Method::Npm,
                Some("yarn"),
            ),
            (
                "pnpm",
                "/home/u/.npm-global/lib/node_modules/pnpm/bin/pnpm.cjs",
                Method::Npm,
                Some("pnpm"),
            ),
            // corepack's shims belong to the Node.js that ships corepack.
            (
                "pnpm",
                "/usr/local/lib/node_modules/corepack/dist/pnpm.js",
                Method::Npm,
                Some("corepack"),
            ),
            (
                "yarn",
                "/home/u/.nvm/versions/node/v22.1.0/lib/node_modules/corepack/dist/yarn.js",
                Method::Nvm,
                None,
            ),
            // The managers' own homes, as prefixes.
            (
                "prettier",
                "/home/u/.local/share/pnpm/prettier",
                Method::Pnpm,
                None,
            ),
            (
                "prettier",
                "/home/u/.local/share/pnpm/global/5/node_modules/prettier/bin/prettier.cjs",
                Method::Pnpm,
                Some("prettier"),
            ),
            (
                "prettier",
                "/home/u/.config/yarn/global/node_modules/prettier/bin/prettier.cjs",
                Method::Yarn,
                Some("prettier"),
            ),
        ];
        for (bin, path, method, package) in cases {
            let c = run(bin, path, path);
            assert_eq!(
                (c.method, c.package.as_deref()),
                (method, package),
                "{path}: {c:?}"
            );
        }
    }

    #[test]
    fn a_word_inside_a_path_names_no_manager() {
        for path in [
            "/home/u/src/pnpm/tool",
            "/home/u/work/conda/bin/tool",
            "/home/u/notes/flatpak/bin/tool",
            "/home/u/.yarnrc-stuff/tool",
        ] {
            let c = run("tool", path, path);
            assert!(
                !matches!(
                    c.method,
                    Method::Pnpm | Method::Conda | Method::Flatpak | Method::Yarn
                ),
                "{path}: {c:?}"
            );
        }
    }

    #[test]
    fn cargo_bin_holds_cargo_installs_only_where_cargos_record_says() {
        let db = Fake(Some(vec![("just", "just"), ("ripgrep", "rg")]));
        let c = run_with(&db, "rg", "/home/u/.cargo/bin/rg", "/home/u/.cargo/bin/rg");
        assert_eq!(
            (c.method, c.package.as_deref()),
            (Method::Cargo, Some("ripgrep"))
        );
        let c = run_with(
            &db,
            "rustup",
            "/home/u/.cargo/bin/rustup",
            "/home/u/.cargo/bin/rustup",
        );
        assert_eq!(c.method, Method::Rustup, "{c:?}");
        let c = run_with(
            &db,
            "tool",
            "/home/u/.cargo/bin/tool",
            "/home/u/.cargo/bin/tool",
        );
        assert_eq!(c.method, Method::Manual, "{c:?}");
        assert!(c.reason.contains(".crates2.json"), "{c:?}");
        // No record at all: rustup is still rustup's, the rest cargo's.
        let c = run(
            "rustup",
            "/home/u/.cargo/bin/rustup",
            "/home/u/.cargo/bin/rustup",
        );
        assert_eq!(c.method, Method::Rustup, "{c:?}");
    }

    #[test]
    fn layouts() {
        let cases = [
            (
                "python3",
                "/home/u/.pyenv/versions/3.11.7/bin/python3",
                Method::Pyenv,
            ),
            (
                "black",
                "/home/u/.pyenv/versions/3.11.7/bin/black",
                Method::Pip,
            ),
            (
                "codespell",
                "/home/u/.local/share/pipx/venvs/codespell/bin/codespell",
                Method::Pipx,
            ),
            (
                "bandit",
                "/home/u/.local/share/uv/tools/bandit/bin/bandit",
                Method::Uv,
            ),
            (
                "node",
                "/home/u/.nvm/versions/node/v20.1.0/bin/node",
                Method::Nvm,
            ),
            (
                "tsc",
                "/home/u/.nvm/versions/node/v20.1.0/lib/node_modules/typescript/bin/tsc",
                Method::Npm,
            ),
            (
                "rustc",
                "/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc",
                Method::Rustup,
            ),
            ("just", "/home/u/.cargo/bin/just", Method::Cargo),
            ("gopls", "/home/u/go/bin/gopls", Method::Go),
            (
                "rg",
                "/opt/homebrew/Cellar/ripgrep/14.1.1/bin/rg",
                Method::Homebrew,
            ),
            ("rg", "/snap/ripgrep/10/bin/rg", Method::Snap),
            ("rg", "/nix/store/abc-ripgrep/bin/rg", Method::Nix),
            (
                "prettier",
                "/home/u/.npm-global/lib/node_modules/prettier/bin/prettier.cjs",
                Method::Npm,
            ),
            ("tool", "/usr/local/bin/tool", Method::Manual),
            ("tool", "/usr/bin/tool", Method::Unknown),
        ];
        for (bin, path, method) in cases {
            let c = run(bin, path, path);
            assert_eq!(c.method, method, "{path}: {c:?}");
            assert!(!c.reason.is_empty());
        }
        assert_eq!(
            run(
                "tsc",
                "/x/node_modules/.bin/tsc",
                "/x/node_modules/typescript/bin/tsc"
            )
            .method,
            Method::Project
        );
    }

    #[test]
    fn node_package_names() {
        assert_eq!(
            node_package(Path::new("/a/lib/node_modules/@biomejs/biome/bin/biome")).as_deref(),
            Some("@biomejs/biome")
        );
        assert_eq!(
            node_package(Path::new("/a/lib/node_modules/npm/bin/npm-cli.js")).as_deref(),
            Some("npm")
        );
        assert_eq!(node_package(Path::new("/usr/bin/rg")), None);
    }
}
