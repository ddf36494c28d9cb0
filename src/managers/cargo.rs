//! cargo: `cargo install --locked` builds from source into `~/.cargo/bin`.
//!
//! Crates installed with `cargo install`: cargo's own record
//! (`$CARGO_HOME/.crates2.json`) against the crates registry, asked through
//! toolup's upstream layer — no cargo-update needed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::{
    CheckContext, Ecosystem, Installer, Manager, Pending, Phase, Stage, Updater, argv, user_level,
};
use crate::base::environment::EnvKind;
use crate::base::host::Host;
use crate::model::Method;

pub struct Cargo;

impl Manager for Cargo {
    fn id(&self) -> &'static str {
        "cargo"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Cargo {
    fn install_key(&self) -> &'static str {
        "cargo"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Rust
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(7, environment)
    }
    fn program(&self) -> &'static str {
        "cargo"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let mut args = argv(&["cargo", "install", "--locked", package]);
        if let Some(v) = version {
            args.extend(argv(&["--version", v]));
        }
        args
    }
    /// `cargo install` replaces an older install of the same crate.
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["cargo", "uninstall", package])
    }
    fn retryable(&self, output: &str) -> bool {
        output.contains("Blocking waiting for file lock")
            || output.contains("spurious network error")
    }
    fn method(&self) -> Method {
        Method::Cargo
    }
}

#[derive(Deserialize)]
struct Crates2 {
    #[serde(default)]
    installs: BTreeMap<String, serde_json::Value>,
}

fn record(host: &Host) -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| host.home.as_ref().map(|h| h.join(".cargo")))?;
    Some(home.join(".crates2.json"))
}

/// `(name, version)` of every crate installed from the crates.io registry:
/// keys look like `ripgrep 14.1.0 (registry+https://github.com/rust-lang/crates.io-index)`.
pub(super) fn installed(text: &str) -> Result<Vec<(String, String)>, String> {
    let doc: Crates2 = serde_json::from_str(text).map_err(|e| format!(".crates2.json: {e}"))?;
    Ok(doc
        .installs
        .keys()
        .filter_map(|key| {
            let mut words = key.splitn(3, ' ');
            let (name, version, source) = (words.next()?, words.next()?, words.next()?);
            // The names go on cargo's command line: plain crate names only.
            ((source.contains("registry+") || source.contains("sparse+"))
                && crate::base::names::is_valid_package_name(name))
            .then(|| (name.to_owned(), version.to_owned()))
        })
        .collect())
}

impl Updater for Cargo {
    fn stage(&self) -> Stage {
        Stage::Toolchain
    }
    fn program(&self) -> &'static str {
        "cargo"
    }
    fn applies(&self, host: &Host) -> bool {
        host.which("cargo").is_some() && record(host).is_some_and(|p| p.is_file())
    }
    fn check_argv(&self) -> Vec<String> {
        Vec::new()
    }
    fn parse(&self, _stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(Vec::new())
    }
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        let path = record(cx.host).ok_or("no cargo home")?;
        let text =
            crate::state::read_text(&path, 16 * crate::state::MIB).map_err(|e| e.to_string())?;
        let crates = installed(&text)?;
        let specs: Vec<String> = crates.iter().map(|(n, _)| format!("crates:{n}")).collect();
        let latest = (cx.latest)(&specs);
        super::registry::newer(crates.iter().zip(latest))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["cargo", "install", "--locked"])
    }
    /// `cargo install --locked NAME@VERSION…`: cargo has no "update all", so
    /// each pending crate is named at the exact version the check found
    /// (versions the registry answered are checked as versions first).
    fn update_argv_for(&self, pending: &[Pending]) -> Option<Vec<String>> {
        let mut out = self.update_argv();
        out.extend(pending.iter().filter_map(|p| {
            let to = p.to.as_deref()?;
            (crate::base::names::is_valid_package_name(&p.name)
                && crate::base::names::is_valid_package_name(to)
                && crate::model::Version::parse(to).is_ok())
            .then(|| format!("{}@{to}", p.name))
        }));
        Some(out)
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["system:network"],
            Phase::Update => vec!["runtime:rust-crates"],
        }
    }
    fn runs_after(&self) -> &'static [&'static str] {
        &["rustup"]
    }
}
