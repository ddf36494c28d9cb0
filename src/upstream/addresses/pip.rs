//! PyPI's address as pip and uv find it.
//!
//! pip: `PIP_INDEX_URL`; then its configuration files the way pip reads
//! them — `PIP_CONFIG_FILE` (`/dev/null` turns every file off) over the
//! virtualenv's `pip.conf` over the user's (`~/.pip/pip.conf`, then
//! `$XDG_CONFIG_HOME/pip/pip.conf`, skipped when `PIP_CONFIG_FILE` names a
//! file) over the global ones (`$XDG_CONFIG_DIRS/pip/pip.conf`,
//! `/etc/pip.conf`), and in each file `[install]` over `[global]`.
//! uv: `UV_DEFAULT_INDEX`, `UV_INDEX_URL`; then `uv.toml` (`UV_CONFIG_FILE`,
//! or the project's `uv.toml`/`pyproject.toml [tool.uv]` over the user's over
//! the system's; `UV_NO_CONFIG` turns them off), its `[[index]]` marked
//! `default = true` or its `index-url`.
//! Last, the installed clients' own defaults: pip's index model, imported
//! by the machine's `python3` in isolated mode (so no file in the working
//! directory can be imported), then what `uv` states in its help.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{ClientEnv, Discovered, Fingerprint, Origin, ini};

/// The address key of the PyPI source.
pub const KEY: &str = "pypi";

/// Finds the package index pip or uv would use.
pub fn discover(env: &ClientEnv<'_>) -> Discovered {
    let mut d = Discovered {
        asked: "pip, uv or their configuration",
        ..Discovered::default()
    };
    let var = "PIP_INDEX_URL";
    d.looked_in.push(var.to_owned());
    if let Some(url) = env.var(var) {
        d.found(KEY, &url, Origin::ClientVariable(var.to_owned()));
        return d;
    }
    if let Some((url, file, key)) = pip_config(env, &mut d.looked_in) {
        d.found(KEY, &url, Origin::ClientConfig { file, key });
        return d;
    }
    for var in ["UV_DEFAULT_INDEX", "UV_INDEX_URL"] {
        d.looked_in.push(var.to_owned());
        if let Some(url) = env.var(var) {
            d.found(KEY, &url, Origin::ClientVariable(var.to_owned()));
            return d;
        }
    }
    if let Some((url, file, key)) = uv_config(env, &mut d.looked_in) {
        d.found(KEY, &url, Origin::ClientConfig { file, key });
        return d;
    }
    if let Some((url, python)) = pip_default(env, &mut d.looked_in) {
        d.found(
            KEY,
            &url,
            Origin::ClientAnswer {
                client: python,
                how: "pip's built-in default".to_owned(),
            },
        );
        return d;
    }
    if let Some((url, uv)) = uv_default(env, &mut d.looked_in) {
        d.found(
            KEY,
            &url,
            Origin::ClientAnswer {
                client: uv,
                how: "uv's built-in default".to_owned(),
            },
        );
    }
    d
}

/// pip's configuration files, lowest precedence first; `None` when
/// `PIP_CONFIG_FILE=/dev/null` turns them off.
fn pip_files(env: &ClientEnv<'_>) -> Option<Vec<PathBuf>> {
    let env_file = env.var("PIP_CONFIG_FILE").map(PathBuf::from);
    if env_file.as_deref() == Some(Path::new("/dev/null")) {
        return None;
    }
    let mut files: Vec<PathBuf> = env
        .var("XDG_CONFIG_DIRS")
        .unwrap_or_else(|| "/etc/xdg".to_owned())
        .split(':')
        .filter(|d| !d.is_empty())
        .map(|d| Path::new(d).join("pip/pip.conf"))
        .collect();
    files.push(PathBuf::from("/etc/pip.conf"));
    // pip skips the user's files when PIP_CONFIG_FILE names a file that exists.
    if !env_file.as_deref().is_some_and(Path::is_file) {
        files.extend(env.home.map(|h| h.join(".pip/pip.conf")));
        files.extend(env.config_home().map(|c| c.join("pip/pip.conf")));
    }
    if let Some(venv) = env.var("VIRTUAL_ENV") {
        files.push(Path::new(&venv).join("pip.conf"));
    }
    files.extend(env_file);
    Some(files)
}

fn pip_config(
    env: &ClientEnv<'_>,
    looked_in: &mut Vec<String>,
) -> Option<(String, PathBuf, String)> {
    let Some(files) = pip_files(env) else {
        looked_in.push("PIP_CONFIG_FILE=/dev/null (no pip config files)".to_owned());
        return None;
    };
    let mut best = None;
    for file in files {
        looked_in.push(file.display().to_string());
        let Ok(text) = crate::state::read_text(&file, 16 * crate::state::MIB) else {
            continue;
        };
        let entries = ini::parse(&text);
        // `[install]` (the command's section) over `[global]`, as pip orders them.
        for section in ["global", "install"] {
            if let Some(e) = entries
                .iter()
                .rev()
                .find(|e| e.section == section && normalize_key(&e.key) == "index-url")
            {
                let value = e.value.lines().next().unwrap_or_default().trim().to_owned();
                if !value.is_empty() {
                    best = Some((value, file.clone(), format!("[{section}] index-url")));
                }
            }
        }
    }
    best
}

fn normalize_key(key: &str) -> String {
    key.replace('_', "-")
}

/// uv's configuration files, highest precedence first.
fn uv_files(env: &ClientEnv<'_>) -> Vec<PathBuf> {
    if env.var("UV_NO_CONFIG").is_some() {
        return Vec::new();
    }
    if let Some(file) = env.var("UV_CONFIG_FILE") {
        return vec![PathBuf::from(file)];
    }
    let mut files = Vec::new();
    // The project's: the nearest directory with a uv.toml, or a pyproject.toml that has [tool.uv].
    for dir in env.cwd.ancestors() {
        let uv = dir.join("uv.toml");
        if uv.is_file() {
            files.push(uv);
            break;
        }
        let pyproject = dir.join("pyproject.toml");
        if crate::state::read_text(&pyproject, 16 * crate::state::MIB)
            .is_ok_and(|t| t.contains("[tool.uv"))
        {
            files.push(pyproject);
            break;
        }
    }
    files.extend(env.config_home().map(|c| c.join("uv/uv.toml")));
    for dir in env
        .var("XDG_CONFIG_DIRS")
        .unwrap_or_else(|| "/etc/xdg".to_owned())
        .split(':')
        .filter(|d| !d.is_empty())
    {
        files.push(Path::new(dir).join("uv/uv.toml"));
    }
    files.push(PathBuf::from("/etc/uv/uv.toml"));
    files
}

fn uv_config(
    env: &ClientEnv<'_>,
    looked_in: &mut Vec<String>,
) -> Option<(String, PathBuf, String)> {
    for file in uv_files(env) {
        looked_in.push(file.display().to_string());
        let Ok(text) = crate::state::read_text(&file, 16 * crate::state::MIB) else {
            continue;
        };
        let Ok(doc) = text.parse::<toml::Table>() else {
            tracing::debug!("{}: not TOML; skipped", file.display());
            continue;
        };
        let is_pyproject = file.file_name().is_some_and(|n| n == "pyproject.toml");
        let table = if is_pyproject {
            match doc
                .get("tool")
                .and_then(|t| t.get("uv"))
                .and_then(|t| t.as_table())
            {
                Some(t) => t.clone(),
                None => continue,
            }
        } else {
            doc
        };
        let prefix = if is_pyproject { "tool.uv." } else { "" };
        let default_index = table
            .get("index")
            .and_then(|i| i.as_array())
            .into_iter()
            .flatten()
            .find(|i| i.get("default").and_then(|d| d.as_bool()) == Some(true))
            .and_then(|i| i.get("url")?.as_str());
        if let Some(url) = default_index {
            return Some((url.to_owned(), file, format!("[[{prefix}index]] default")));
        }
        if let Some(url) = table.get("index-url").and_then(|u| u.as_str()) {
            return Some((url.to_owned(), file, format!("{prefix}index-url")));
        }
    }
    None
}

/// The index pip uses when nothing is configured, as the installed pip
/// states it, and the Python that was asked.
fn pip_default(env: &ClientEnv<'_>, looked_in: &mut Vec<String>) -> Option<(String, PathBuf)> {
    let pythons = env
        .programs("python3")
        .into_iter()
        .chain(env.programs("python"));
    for python in pythons.take(6) {
        looked_in.push(format!("pip's default ({})", python.display()));
        // `-I`: isolated mode, so the working directory (a cloned repository,
        // say, holding a `pip/` package) is not on sys.path and PYTHON*
        // variables are ignored: nothing but the installed pip is imported.
        let script =
            "import pip._internal.models.index as m\nprint(m.PyPI.simple_url)\nprint(m.__file__)";
        let args = ["-I".to_owned(), "-c".to_owned(), script.to_owned()];
        let question = format!("{} -I -c <pip's index model>", python.display());
        let fingerprint = Fingerprint::default()
            .program(&python)
            .var("PYENV_VERSION")
            .file(&env.cwd.join(".python-version"));
        let (answer, _) =
            env.answers.ask(&question, fingerprint, || {
                match super::super::run_client(
                    &python,
                    &args,
                    env.cache_dir,
                    Duration::from_secs(10),
                ) {
                    Some(out) => {
                        let mut lines = out.lines();
                        let url = lines
                            .next()
                            .map(str::trim)
                            .filter(|u| super::is_http_url(u));
                        let module = lines.next().map(|f| PathBuf::from(f.trim()));
                        (url.map(str::to_owned), module.into_iter().collect())
                    }
                    None => (None, Vec::new()),
                }
            });
        if let Some(url) = answer {
            return Some((url, python));
        }
    }
    None
}

/// The index `uv` names as its default (`--default-index … (by default: <URL>)`).
fn uv_default(env: &ClientEnv<'_>, looked_in: &mut Vec<String>) -> Option<(String, PathBuf)> {
    for uv in env.programs("uv").into_iter().take(4) {
        looked_in.push(format!("uv's default ({})", uv.display()));
        let args = ["pip".to_owned(), "install".to_owned(), "--help".to_owned()];
        let question = format!("{} pip install --help", uv.display());
        let (answer, _) = env
            .answers
            .ask(&question, Fingerprint::default().program(&uv), || {
                let out =
                    super::super::run_client(&uv, &args, env.cache_dir, Duration::from_secs(10));
                (out.as_deref().and_then(uv_help_default), Vec::new())
            });
        if let Some(url) = answer {
            return Some((url, uv));
        }
    }
    None
}

/// The URL in `--default-index`'s (or `--index-url`'s) help text.
fn uv_help_default(help: &str) -> Option<String> {
    let at = help
        .find("--default-index")
        .or_else(|| help.find("--index-url"))?;
    // Help text wraps: read it as one line.
    let rest: String = help[at..]
        .split_whitespace()
        .take(40)
        .collect::<Vec<_>>()
        .join(" ");
    let start = rest.find("by default: <")? + "by default: <".len();
    let end = rest[start..].find('>')?;
    let url = rest[start..start + end].trim();
    super::is_http_url(url).then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_uv_help() {
        let help = "      --default-index <DEFAULT_INDEX>\n          The default package index (by\n          default: <https://idx.example/simple>) [env: UV_DEFAULT_INDEX]\n";
        assert_eq!(
            uv_help_default(help).as_deref(),
            Some("https://idx.example/simple")
        );
        assert_eq!(uv_help_default("nothing here"), None);
    }
}
