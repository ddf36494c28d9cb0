//! The npm registry's address as npm finds it: `npm_config_registry` (npm
//! reads its variables in either case), then `npm config get registry` —
//! npm's own answer, every npmrc layer and its built-in default included,
//! cached against the npm program and those npmrc files — and, where npm
//! itself is absent, the user's `~/.npmrc`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{ClientEnv, Discovered, Fingerprint, Origin, ini};

/// The address key of the npm source.
pub const KEY: &str = "npm";

const VARIABLES: [&str; 2] = ["npm_config_registry", "NPM_CONFIG_REGISTRY"];

/// Finds the registry npm would use.
pub fn discover(env: &ClientEnv<'_>) -> Discovered {
    let mut d = Discovered {
        asked: "npm or its configuration",
        ..Discovered::default()
    };
    for var in VARIABLES {
        d.looked_in.push(var.to_owned());
        if let Some(url) = env.var(var) {
            d.found(KEY, &url, Origin::ClientVariable(var.to_owned()));
            return d;
        }
    }
    if let Some(npm) = env.program("npm") {
        d.looked_in
            .push(format!("npm config get registry ({})", npm.display()));
        if let Some(url) = ask_npm(env, &npm) {
            d.found(
                KEY,
                &url,
                Origin::ClientAnswer {
                    client: npm,
                    how: "npm config get registry".to_owned(),
                },
            );
        }
        return d;
    }
    let user = user_npmrc(env);
    if let Some(file) = user {
        d.looked_in.push(file.display().to_string());
        if let Some(url) = crate::state::read_text(&file, 16 * crate::state::MIB)
            .ok()
            .and_then(|text| {
                ini::parse(&text)
                    .into_iter()
                    .rev()
                    .find(|e| e.section.is_empty() && e.key == "registry")
                    .map(|e| e.value)
            })
        {
            d.found(
                KEY,
                &url,
                Origin::ClientConfig {
                    file,
                    key: "registry".to_owned(),
                },
            );
        }
    }
    d
}

fn user_npmrc(env: &ClientEnv<'_>) -> Option<PathBuf> {
    env.var("npm_config_userconfig")
        .or_else(|| env.var("NPM_CONFIG_USERCONFIG"))
        .map(PathBuf::from)
        .or_else(|| env.home.map(|h| h.join(".npmrc")))
}

/// The files and variables `npm config get registry` depends on.
fn fingerprint(env: &ClientEnv<'_>, npm: &Path) -> Fingerprint {
    let real = std::fs::canonicalize(npm).unwrap_or_else(|_| npm.to_owned());
    let mut fp = Fingerprint::default().program(&real);
    // npm's own directory (…/lib/node_modules/npm) holds its built-in npmrc;
    // the prefix three levels up holds the global one.
    if let Some(package) = real
        .ancestors()
        .find(|d| d.file_name().is_some_and(|n| n == "npm") && d.join("package.json").is_file())
    {
        fp = fp.file(&package.join("npmrc"));
        if let Some(prefix) = package.ancestors().nth(3) {
            fp = fp.file(&prefix.join("etc/npmrc"));
        }
    }
    fp = fp.file(Path::new("/etc/npmrc"));
    if let Some(user) = user_npmrc(env) {
        fp = fp.file(&user);
    }
    for dir in env.cwd.ancestors() {
        fp = fp.file(&dir.join(".npmrc"));
    }
    for var in [
        "npm_config_userconfig",
        "NPM_CONFIG_USERCONFIG",
        "npm_config_globalconfig",
        "NPM_CONFIG_GLOBALCONFIG",
        "npm_config_prefix",
        "NPM_CONFIG_PREFIX",
    ] {
        fp = fp.var(var);
    }
    fp
}

fn ask_npm(env: &ClientEnv<'_>, npm: &Path) -> Option<String> {
    let question = format!("{} config get registry", npm.display());
    let (answer, _) = env.answers.ask(&question, fingerprint(env, npm), || {
        let args = ["config".to_owned(), "get".to_owned(), "registry".to_owned()];
        // npm reads the project's .npmrc from the working directory, as it would for the user.
        let out = super::super::run_client(npm, &args, None, Duration::from_secs(10));
        let url = out
            .map(|o| o.trim().to_owned())
            .filter(|u| super::is_http_url(u));
        (url, Vec::new())
    });
    answer
}
