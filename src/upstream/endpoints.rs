//! Base URLs of every source, overridable by environment (mirrors, and
//! loopback servers in tests).
//!
//! The package registries' own addresses are taken from the ecosystem's
//! client configuration where the user has one (`NPM_CONFIG_REGISTRY` or
//! `~/.npmrc`, `PIP_INDEX_URL` or pip's config, cargo's registry config), or
//! from toolup's variables and config files; toolup does not hard-code them.

use std::collections::BTreeMap;
use std::path::Path;

use crate::env_vars;

/// Where each source lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub github_api: String,
    pub github_web: String,
    pub gitlab: String,
    pub gnu: String,
    pub pypi: Option<String>,
    pub npm: Option<String>,
    pub crates_index: Option<String>,
    pub crates_api: Option<String>,
}

impl Endpoints {
    /// Resolves every base URL: toolup's variables, then toolup's config
    /// files (`configured`, by source key), then the clients' own configuration.
    pub fn resolve(home: Option<&Path>, configured: &BTreeMap<&'static str, String>) -> Endpoints {
        let var = |k: &str| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| trim_slash(&v))
        };
        let pick =
            |variable: &str, key: &str| var(variable).or_else(|| configured.get(key).cloned());
        Endpoints {
            github_api: pick(env_vars::TOOLUP_GITHUB_API_URL, "github_api")
                .unwrap_or_else(|| "https://api.github.com".to_owned()),
            github_web: pick(env_vars::TOOLUP_GITHUB_URL, "github")
                .unwrap_or_else(|| "https://github.com".to_owned()),
            gitlab: pick(env_vars::TOOLUP_GITLAB_URL, "gitlab")
                .unwrap_or_else(|| "https://gitlab.com".to_owned()),
            gnu: pick(env_vars::TOOLUP_GNU_URL, "gnu")
                .unwrap_or_else(|| "https://ftp.gnu.org/gnu".to_owned()),
            pypi: pick(env_vars::TOOLUP_PYPI_URL, "pypi")
                .or_else(|| var("PIP_INDEX_URL").map(|u| simple_to_root(&u)))
                .or_else(|| pip_config_index(home).map(|u| simple_to_root(&u))),
            npm: pick(env_vars::TOOLUP_NPM_REGISTRY_URL, "npm")
                .or_else(|| var("NPM_CONFIG_REGISTRY"))
                .or_else(|| npmrc_registry(home))
                .or_else(ask_npm),
            crates_index: pick(env_vars::TOOLUP_CRATES_INDEX_URL, "crates_index").or_else(|| {
                var("CARGO_REGISTRIES_CRATES_IO_INDEX")
                    .map(|u| u.trim_start_matches("sparse+").to_owned())
            }),
            crates_api: pick(env_vars::TOOLUP_CRATES_API_URL, "crates_api"),
        }
    }

    /// The variable that sets a source's base URL.
    pub fn variable(source: &str) -> &'static str {
        match source {
            "pypi" => env_vars::TOOLUP_PYPI_URL,
            "npm" => env_vars::TOOLUP_NPM_REGISTRY_URL,
            "crates" => env_vars::TOOLUP_CRATES_INDEX_URL,
            "gitlab" => env_vars::TOOLUP_GITLAB_URL,
            "gnu" => env_vars::TOOLUP_GNU_URL,
            _ => env_vars::TOOLUP_GITHUB_API_URL,
        }
    }
}

fn trim_slash(url: &str) -> String {
    url.trim().trim_end_matches('/').to_owned()
}

/// pip's index is the "simple" API; the JSON API lives beside it.
fn simple_to_root(url: &str) -> String {
    let url = trim_slash(url);
    url.strip_suffix("/simple")
        .map_or(url.clone(), str::to_owned)
}

fn pip_config_index(home: Option<&Path>) -> Option<String> {
    let files = [
        Some(Path::new("/etc/pip.conf").to_path_buf()),
        home.map(|h| h.join(".config/pip/pip.conf")),
        home.map(|h| h.join(".pip/pip.conf")),
    ];
    files.into_iter().flatten().rev().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        text.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "index-url" || k.trim() == "index_url").then(|| v.trim().to_owned())
        })
    })
}

/// `npm config get registry`: npm's own answer, built-in default included.
/// Asked only when a refresh is due and nothing else names the registry.
fn ask_npm() -> Option<String> {
    let path = std::env::var_os("PATH")?;
    let npm = std::env::split_paths(&path)
        .map(|d| d.join("npm"))
        .find(|p| crate::discover::is_executable_file(p))?;
    let args = ["config".to_owned(), "get".to_owned(), "registry".to_owned()];
    let out = crate::exec::run(&crate::exec::ProcessRequest {
        program: &npm,
        args: &args,
        timeout: std::time::Duration::from_secs(10),
        max_capture: 4096,
        env: crate::exec::PROBE_ENV,
    })
    .ok()?;
    let url = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.is_some_and(|s| s.success()) && url.starts_with("http")).then(|| trim_slash(&url))
}

fn npmrc_registry(home: Option<&Path>) -> Option<String> {
    let text = std::fs::read_to_string(home?.join(".npmrc")).ok()?;
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == "registry").then(|| trim_slash(v))
    })
}
