//! uv: `uv tool` installs Python CLIs into isolated environments.
//!
//! uv tools: `uv tool list --show-version-specifiers` prints
//! `name vVERSION [required: SPEC]` per tool (then its executables as
//! `- name` lines); PyPI says the latest. `uv tool upgrade` keeps to the
//! specifier a tool was installed with, so a latest release outside it is
//! not pending (`black<25` stays below 25).

use super::{
    CheckContext, Ecosystem, Installer, Manager, Pending, Phase, Stage, Updater, argv, python_spec,
    user_level,
};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Uv;

impl Manager for Uv {
    fn id(&self) -> &'static str {
        "uv"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Uv {
    fn install_key(&self) -> &'static str {
        "pypi"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Python
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(1, environment)
    }
    fn program(&self) -> &'static str {
        "uv"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = python_spec(package, version);
        argv(&["uv", "tool", "install", "--force", &spec])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        match version {
            Some(_) => self.install(package, version),
            None => argv(&["uv", "tool", "upgrade", package]),
        }
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["uv", "tool", "uninstall", package])
    }
    fn method(&self) -> Method {
        Method::Uv
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Venv
    }
}

/// `(name, version, specifier)` per tool.
pub(super) fn installed(stdout: &str) -> Vec<(String, String, Option<String>)> {
    stdout
        .lines()
        .filter(|l| !l.starts_with('-') && !l.starts_with(' '))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (name, version) = (words.next()?, words.next()?);
            let spec = l
                .split_once("[required: ")
                .and_then(|(_, rest)| rest.strip_suffix(']'))
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
            Some((name.to_owned(), version.strip_prefix('v')?.to_owned(), spec))
        })
        .collect()
}

impl Updater for Uv {
    fn stage(&self) -> Stage {
        Stage::Toolchain
    }
    fn program(&self) -> &'static str {
        "uv"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["uv", "tool", "list"])
    }
    fn parse(&self, _stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(Vec::new())
    }
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        let with = argv(&["uv", "tool", "list", "--show-version-specifiers"]);
        let out = match cx.run(&with)? {
            // An older uv without the flag: no specifiers to keep to.
            out if out.code != 0 => cx.run(&self.check_argv())?,
            out => out,
        };
        if out.code != 0 {
            return Err(format!(
                "`uv tool list` exited {}: {}",
                out.code,
                out.stderr.trim()
            ));
        }
        let tools = installed(&out.stdout);
        let names: Vec<String> = tools.iter().map(|(n, _, _)| format!("pypi:{n}")).collect();
        let latest = (cx.latest)(&names);
        let pairs: Vec<((String, String), Result<String, String>)> = tools
            .into_iter()
            .zip(latest)
            .filter(|((_, _, spec), latest)| match (spec, latest) {
                (Some(spec), Ok(latest)) => super::specifier::allows(spec, latest) != Some(false),
                _ => true,
            })
            .map(|((name, version, _), latest)| ((name, version), latest))
            .collect();
        super::registry::newer(pairs.iter().map(|(p, l)| (p, l.clone())))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["uv", "tool", "upgrade", "--all"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["system:network"],
            Phase::Update => vec!["runtime:python-tools"],
        }
    }
}
