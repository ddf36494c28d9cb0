//! uv tools: `uv tool list` prints `name vVERSION` per tool (then its
//! executables as `- name` lines); PyPI says the latest.

use crate::system::updater::{CheckContext, Pending, Phase, Updater, argv};

pub struct Uv;

/// `(name, version)` per tool.
pub(crate) fn installed(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter(|l| !l.starts_with('-') && !l.starts_with(' '))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let (name, version) = (words.next()?, words.next()?);
            Some((name.to_owned(), version.strip_prefix('v')?.to_owned()))
        })
        .collect()
}

impl Updater for Uv {
    fn id(&self) -> &'static str {
        "uv"
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
        super::registry::check_against(cx, &self.check_argv(), "pypi", |text| Ok(installed(text)))
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
