//! The crates registry's address as cargo finds it.
//!
//! `CARGO_REGISTRIES_CRATES_IO_INDEX`; then cargo's configuration the way
//! cargo reads it — `.cargo/config.toml` (or `.cargo/config`) in the working
//! directory and every parent, the nearest winning, over
//! `$CARGO_HOME/config.toml` — following `[source.crates-io] replace-with`
//! through `[source.NAME]` and `[registries.NAME]` (a company's mirror);
//! then the sparse index cargo already uses: the directory it keeps under
//! `$CARGO_HOME/registry/index/` names the index host, and its
//! `config.json` names the web API. When none of that helps, the crates
//! source asks `cargo info` per package.

use std::path::{Path, PathBuf};

use super::{ClientEnv, Discovered, Origin};

/// The address key of the sparse index.
pub const INDEX: &str = "crates_index";
/// The address key of the web API.
pub const API: &str = "crates_api";

/// `$CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home(env: &ClientEnv<'_>) -> Option<PathBuf> {
    env.var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env.home.map(|h| h.join(".cargo")))
}

/// Finds the index cargo would use for crates.io.
pub fn discover(env: &ClientEnv<'_>) -> Discovered {
    let mut d = Discovered {
        asked: "cargo's configuration or index cache",
        ..Discovered::default()
    };
    let var = "CARGO_REGISTRIES_CRATES_IO_INDEX";
    d.looked_in.push(var.to_owned());
    if let Some(url) = env.var(var) {
        record_index(&mut d, &url, Origin::ClientVariable(var.to_owned()));
        return d;
    }
    let files = config_files(env);
    let tables: Vec<(PathBuf, toml::Table)> = files
        .iter()
        .inspect(|f| d.looked_in.push(f.display().to_string()))
        .filter_map(|f| {
            let text = crate::state::read_text(f, 16 * crate::state::MIB).ok()?;
            match text.parse::<toml::Table>() {
                Ok(t) => Some((f.clone(), t)),
                Err(e) => {
                    tracing::warn!("{}: not valid TOML, skipped: {}", f.display(), e.message());
                    None
                }
            }
        })
        .collect();
    if let Some((url, file, key)) = replacement(&tables) {
        match url {
            Ok(url) => record_index(&mut d, &url, Origin::ClientConfig { file, key }),
            Err(problem) => d.problem = Some(format!("{problem} in {}", file.display())),
        }
        if d.has(INDEX) || d.problem.is_some() {
            return d;
        }
    }
    if let Some(home) = cargo_home(env) {
        let index_dir = home.join("registry/index");
        d.looked_in.push(index_dir.display().to_string());
        if let Some((dir, host, api)) = newest_sparse_cache(&index_dir) {
            d.found(
                INDEX,
                &format!("https://{host}"),
                Origin::ClientState(dir.clone()),
            );
            if let Some(api) = api {
                d.found(API, &api, Origin::ClientState(dir.join("config.json")));
            }
        }
    }
    d
}

/// cargo's config files, highest precedence first.
fn config_files(env: &ClientEnv<'_>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pick = |dir: &Path| {
        let toml = dir.join("config.toml");
        if toml.is_file() {
            files.push(toml);
        } else if dir.join("config").is_file() {
            files.push(dir.join("config"));
        } else {
            files.push(toml);
        }
    };
    for dir in env.cwd.ancestors() {
        pick(&dir.join(".cargo"));
    }
    if let Some(home) = cargo_home(env) {
        let already = env.cwd.ancestors().any(|d| d.join(".cargo") == home);
        if !already {
            pick(&home);
        }
    }
    files
}

/// A key's value in the highest-precedence file that sets it.
fn lookup<'t>(
    tables: &'t [(PathBuf, toml::Table)],
    path: &[&str],
) -> Option<(&'t toml::Value, &'t Path)> {
    tables.iter().find_map(|(file, table)| {
        let mut value = table.get(path[0])?;
        for part in &path[1..] {
            value = value.get(*part)?;
        }
        Some((value, file.as_path()))
    })
}

/// Follows `[source.crates-io] replace-with`: the replacement's index URL
/// (or why it has none), the file and the key that named it.
#[allow(clippy::type_complexity)]
fn replacement(
    tables: &[(PathBuf, toml::Table)],
) -> Option<(Result<String, String>, PathBuf, String)> {
    let (mut name, mut file) = lookup(tables, &["source", "crates-io", "replace-with"])
        .and_then(|(v, f)| Some((v.as_str()?.to_owned(), f.to_owned())))?;
    for _ in 0..8 {
        // `[source.NAME] registry = URL`, or `replace-with` naming `[registries.NAME] index = URL`.
        for (table, key) in [("source", "registry"), ("registries", "index")] {
            if let Some((v, f)) = lookup(tables, &[table, &name, key]) {
                let key = format!("[{table}.{name}] {key}");
                return Some((
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or(format!("{key} is not a string")),
                    f.to_owned(),
                    key,
                ));
            }
        }
        for kind in ["local-registry", "directory"] {
            if let Some((_, f)) = lookup(tables, &["source", &name, kind]) {
                return Some((
                    Err(format!(
                        "crates.io is replaced by a {kind} source `{name}`, which has no registry index"
                    )),
                    f.to_owned(),
                    format!("[source.{name}] {kind}"),
                ));
            }
        }
        match lookup(tables, &["source", &name, "replace-with"]) {
            Some((v, f)) => {
                name = v.as_str()?.to_owned();
                file = f.to_owned();
            }
            None => {
                return Some((
                    Err(format!(
                        "`replace-with = \"{name}\"` names no source or registry"
                    )),
                    file,
                    "[source.crates-io] replace-with".to_owned(),
                ));
            }
        }
    }
    None
}

/// Records an index URL: `sparse+URL` is read over HTTP; anything else is a git index.
fn record_index(d: &mut Discovered, url: &str, origin: Origin) {
    match url.trim().strip_prefix("sparse+") {
        Some(http) if super::is_http_url(http) => d.found(INDEX, http, origin),
        _ => {
            d.problem = Some(format!(
                "{} names the git index {url}, which toolup does not read",
                origin
            ));
        }
    }
}

/// The sparse index cargo used most recently: its cache directory, host and API.
fn newest_sparse_cache(index_dir: &Path) -> Option<(PathBuf, String, Option<String>)> {
    let entries = std::fs::read_dir(index_dir).ok()?;
    let mut best: Option<(std::time::SystemTime, PathBuf, String, Option<String>)> = None;
    for entry in entries.flatten() {
        let dir = entry.path();
        let config = dir.join("config.json");
        // Only sparse caches keep config.json at the top (git ones keep a .git).
        let Ok(text) = crate::state::read_text(&config, 16 * crate::state::MIB) else {
            continue;
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(host) = host_of_cache_dir(&name) else {
            continue;
        };
        let api = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("api")?.as_str().map(str::to_owned))
            .filter(|a| super::is_http_url(a));
        let used = std::fs::metadata(dir.join(".cache"))
            .or_else(|_| std::fs::metadata(&config))
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        if best.as_ref().is_none_or(|(t, ..)| used > *t) {
            best = Some((used, dir, host, api));
        }
    }
    best.map(|(_, dir, host, api)| (dir, host, api))
}

/// `index.crates.io-1949cf8c6b5b557f` → `index.crates.io`.
fn host_of_cache_dir(name: &str) -> Option<String> {
    let (host, hash) = name.rsplit_once('-')?;
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) && valid_host)
        .then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_directory_names() {
        assert_eq!(
            host_of_cache_dir("index.crates.io-1949cf8c6b5b557f").as_deref(),
            Some("index.crates.io")
        );
        assert_eq!(
            host_of_cache_dir("my-mirror.corp.example-6f17d22bba15001f").as_deref(),
            Some("my-mirror.corp.example")
        );
        assert_eq!(host_of_cache_dir("github.com-xyz"), None);
    }

    #[test]
    fn replacements_are_followed() {
        let t = |text: &str| text.parse::<toml::Table>().unwrap();
        let tables = vec![
            (
                PathBuf::from("/p/.cargo/config.toml"),
                t("[source.crates-io]\nreplace-with = \"corp\"\n"),
            ),
            (
                PathBuf::from("/h/.cargo/config.toml"),
                t(
                    "[source.corp]\nreplace-with = \"mirror\"\n[registries.mirror]\nindex = \"sparse+https://m.example/api/cargo/index/\"\n",
                ),
            ),
        ];
        let (url, file, key) = replacement(&tables).unwrap();
        assert_eq!(url.unwrap(), "sparse+https://m.example/api/cargo/index/");
        assert_eq!(file, PathBuf::from("/h/.cargo/config.toml"));
        assert_eq!(key, "[registries.mirror] index");
        let vendored = vec![(
            PathBuf::from("/p/.cargo/config.toml"),
            t("[source.crates-io]\nreplace-with = \"v\"\n[source.v]\ndirectory = \"vendor\"\n"),
        )];
        let (url, _, key) = replacement(&vendored).unwrap();
        assert_eq!(
            url,
            Err(
                "crates.io is replaced by a directory source `v`, which has no registry index"
                    .to_owned()
            )
        );
        assert_eq!(key, "[source.v] directory");
    }
}
