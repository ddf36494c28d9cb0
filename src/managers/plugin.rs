//! External plugins: any executable speaking the updater CLI protocol
//! `is-applicable` (exit 0 yes, 1 no), `estimate-update`
//! (JSON on stdout), `can-separate-download`, `download`, `update`,
//! `does-require-sudo`, `sudo-programs-paths`, `version`, the
//! `*-mutexes` and `runs-after` queries. Each is declared by a TOML
//! manifest in `/etc/toolup/plugins.d/`, an enabled module's `plugins.d/`
//! or the user's `plugins.d/` (a later one wins by file name). To the rest
//! of toolup a plugin is an `Updater` like any built-in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;

use super::{CheckContext, Manager, Pending, Phase, Updater};
use crate::base::host::Host;
use crate::exec::{ProcessRequest, run};

/// The system's plugin directory.
pub const SYSTEM_DIR: &str = "/etc/toolup/plugins.d";

/// A manifest as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    /// Absolute, or relative to the manifest's directory.
    pub executable: PathBuf,
    #[serde(default)]
    pub description: String,
    /// Locks each phase holds, beyond what the plugin answers itself.
    #[serde(default)]
    pub mutexes: PhaseLists,
    #[serde(default)]
    pub runs_after: Vec<String>,
    #[serde(default)]
    pub timeouts: Timeouts,
    /// Passed as `TOOLUP_PLUGIN_<NAME>_<KEY>` variables.
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
    /// Files its manager locks with fcntl (as dpkg does): an update waits
    /// while another program holds them.
    #[serde(default)]
    pub lock_files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseLists {
    #[serde(default)]
    pub check: Vec<String>,
    #[serde(default)]
    pub download: Vec<String>,
    #[serde(default)]
    pub update: Vec<String>,
}

/// The largest manifest toolup reads.
const MAX_MANIFEST_BYTES: u64 = 256 * crate::state::KIB;

/// The longest timeout a manifest may give, in seconds (a day, as `--timeout`).
pub const MAX_TIMEOUT_SECS: u64 = 86_400;

/// Seconds per command kind, each from 1 to `MAX_TIMEOUT_SECS`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    #[serde(default = "ten", deserialize_with = "seconds")]
    pub query: u64,
    #[serde(default = "two_minutes", deserialize_with = "seconds")]
    pub estimate_update: u64,
    #[serde(default = "half_an_hour", deserialize_with = "seconds")]
    pub download: u64,
    #[serde(default = "an_hour", deserialize_with = "seconds")]
    pub update: u64,
}

/// A timeout as written, checked where it is read: a whole number of
/// seconds, at least 1 and at most a day (the error, with its line and
/// field, names the manifest).
fn seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let secs = i128::deserialize(d)?;
    u64::try_from(secs)
        .ok()
        .filter(|s| (1..=MAX_TIMEOUT_SECS).contains(s))
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{secs} is out of range: a timeout is from 1 to {MAX_TIMEOUT_SECS} seconds (a day)"
            ))
        })
}

fn ten() -> u64 {
    10
}
fn two_minutes() -> u64 {
    120
}
fn half_an_hour() -> u64 {
    1800
}
fn an_hour() -> u64 {
    3600
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            query: ten(),
            estimate_update: two_minutes(),
            download: half_an_hour(),
            update: an_hour(),
        }
    }
}

/// A loaded plugin.
#[derive(Debug, Clone)]
pub struct Plugin {
    pub manifest: Manifest,
    pub manifest_path: PathBuf,
    pub executable: PathBuf,
    id: &'static str,
    answers: ListAnswers,
}

/// A plugin's list answers, each asked once and kept for the process: the
/// plan and the run see the same locks, and an answer (up to 4 MiB) is
/// made `'static` once, not each time a job's locks are asked for.
#[derive(Debug, Clone, Default)]
struct ListAnswers {
    /// Check, download, update.
    locks: [OnceLock<Vec<&'static str>>; 3],
    runs_after: OnceLock<&'static [&'static str]>,
}

/// What one protocol command answered.
pub struct Answer {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

impl Plugin {
    /// Reads and checks a manifest; the error names the file, and the line
    /// and field where it can.
    pub fn load(path: &Path) -> Result<Plugin, String> {
        let text = crate::state::read_text(path, MAX_MANIFEST_BYTES).map_err(|e| e.to_string())?;
        let manifest: Manifest = toml::from_str(&text)
            .map_err(|e| crate::base::toml_location::describe(path, &text, &e))?;
        if !crate::base::names::is_valid_name(&manifest.name) {
            return Err(format!(
                "{}: field `name`: {:?} is not a name (lowercase letters, digits, - _ . +)",
                path.display(),
                manifest.name
            ));
        }
        let executable = if manifest.executable.is_absolute() {
            manifest.executable.clone()
        } else {
            path.parent()
                .unwrap_or(Path::new("."))
                .join(&manifest.executable)
        };
        let runnable = std::fs::metadata(&executable).is_ok_and(|m| {
            use std::os::unix::fs::PermissionsExt;
            m.is_file() && m.permissions().mode() & 0o111 != 0
        });
        if !runnable {
            return Err(format!(
                "{}: field `executable`: {} is not an executable file",
                path.display(),
                executable.display()
            ));
        }
        // Its argv is text (the runner's steps, the journal, sudoers): a
        // path no text names is refused, never run as another file.
        crate::base::paths::as_text(&executable)
            .map_err(|e| format!("{}: field `executable`: {e}", path.display()))?;
        // A setting may be a credential (`token`, a URL's password): no
        // line toolup writes shows it, whatever the plugin prints.
        for (key, value) in &manifest.settings {
            crate::base::secrets::register_setting(key, value);
        }
        Ok(Plugin {
            id: Box::leak(manifest.name.clone().into_boxed_str()),
            manifest,
            manifest_path: path.to_path_buf(),
            executable,
            answers: ListAnswers::default(),
        })
    }

    /// The manifest's settings as `TOOLUP_PLUGIN_<NAME>_<KEY>` variables:
    /// name and key upper-cased, any other character than a letter or a
    /// digit made `_`, so a shell can read every one.
    pub fn settings_env(&self) -> Vec<(String, String)> {
        let shell = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let prefix = format!("TOOLUP_PLUGIN_{}_", shell(&self.manifest.name));
        self.manifest
            .settings
            .iter()
            .map(|(k, v)| (format!("{prefix}{}", shell(k)), v.clone()))
            .collect()
    }

    /// Runs one protocol command under `timeout`: plain output (as every
    /// query toolup runs), settings in the environment.
    pub fn ask(&self, command: &str, timeout: Duration) -> Answer {
        let args = [command.to_owned()];
        let vars = self.settings_env();
        let env: Vec<(&str, &str)> = crate::exec::QUERY_ENV
            .iter()
            .copied()
            .chain(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .collect();
        match run(&ProcessRequest::query(&self.executable, &args, timeout).env(&env)) {
            Ok(out) => Answer {
                code: out.status.and_then(|s| s.code()),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: crate::base::text::clean_output(&[], &out.stderr),
                timed_out: out.timed_out,
            },
            Err(e) => Answer {
                code: None,
                stdout: String::new(),
                stderr: e.to_string(),
                timed_out: false,
            },
        }
    }

    /// Its executable as an argv's first word: `load` refused a path that
    /// is not UTF-8, so this is the path itself (else lossy text, which
    /// the runner refuses to run).
    fn argv0(&self) -> String {
        crate::base::paths::as_text(&self.executable).map_or_else(
            |_| self.executable.to_string_lossy().into_owned(),
            str::to_owned,
        )
    }

    fn query(&self) -> Duration {
        Duration::from_secs(self.manifest.timeouts.query)
    }

    /// One name per line from a list query (`update-mutexes`, `runs-after`).
    fn lines(&self, command: &str) -> Vec<String> {
        let answer = self.ask(command, self.query());
        if answer.code != Some(0) {
            return Vec::new();
        }
        list_answer(&answer.stdout)
    }
}

/// A list query's answer: one name per line, blank lines skipped, and a
/// line that cannot be a name (spaces or control characters inside it;
/// fuzz: `flatpak \r…`) too.
pub(super) fn list_answer(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains(|c: char| c.is_whitespace() || c.is_control()))
        .map(str::to_owned)
        .collect()
}

/// `estimate-update`'s document.
#[derive(Deserialize)]
struct Estimate {
    status: String,
    #[serde(default)]
    data: Option<EstimateData>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
struct EstimateData {
    #[serde(default)]
    packages_to_update: Vec<Package>,
    #[serde(default)]
    security_updates: bool,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    current_version: Option<String>,
    new_version: Option<String>,
    download_size_bytes: Option<u64>,
    #[serde(default)]
    security: Option<bool>,
}

/// The most packages one `estimate-update` may list.
pub const MAX_PACKAGES: usize = 100_000;
/// The largest download one package may announce (1 PiB): a number past
/// it is no size, and sizes are summed.
pub const MAX_DOWNLOAD_BYTES: u64 = 1 << 50;

/// Reads `estimate-update`'s JSON into pending updates; a number out of
/// range is an error naming the plugin, the field and the value.
pub fn parse_estimate(name: &str, stdout: &str) -> Result<Vec<Pending>, String> {
    let doc: Estimate = serde_json::from_str(stdout.trim()).map_err(|e| {
        format!(
            "plugin {name}: `estimate-update` printed no valid JSON ({e}): {:?}",
            crate::base::printer::visible(&stdout.chars().take(80).collect::<String>())
        )
    })?;
    match doc.status.as_str() {
        "success" => {}
        "not_applicable" => return Ok(Vec::new()),
        other => {
            let why = doc.error.map_or_else(String::new, |e| format!(": {e}"));
            // The plugin's word, escaped as its other output is (fuzz: a `\r`).
            let other = crate::base::printer::visible(other);
            return Err(format!("plugin {name}: estimate-update says {other}{why}"));
        }
    }
    let data = doc.data.unwrap_or_default();
    if data.packages_to_update.len() > MAX_PACKAGES {
        return Err(format!(
            "plugin {name}: estimate-update lists {} packages, more than the {MAX_PACKAGES} toolup takes",
            data.packages_to_update.len()
        ));
    }
    if let Some((i, size)) = data
        .packages_to_update
        .iter()
        .enumerate()
        .find_map(|(i, p)| {
            p.download_size_bytes
                .filter(|s| *s > MAX_DOWNLOAD_BYTES)
                .map(|s| (i, s))
        })
    {
        return Err(format!(
            "plugin {name}: estimate-update: packages_to_update[{i}].download_size_bytes = {size} is out of range (at most {MAX_DOWNLOAD_BYTES}, 1 PiB)"
        ));
    }
    let all_security = data.security_updates && data.packages_to_update.len() == 1;
    // What a plugin says is kept (the saved report) and shown: without
    // the credentials it may carry.
    let clean = |s: String| crate::base::secrets::scrub(&s).into_owned();
    Ok(data
        .packages_to_update
        .into_iter()
        .map(|p| Pending {
            security: p.security.unwrap_or(all_security),
            name: clean(p.name),
            from: p.current_version.map(clean),
            to: p.new_version.map(clean),
            download_bytes: p.download_size_bytes,
        })
        .collect())
}

/// The manifest's names, then the plugin's answer's, each once, in one
/// pass: an answer may hold as many names as 4 MiB do, and looking each up
/// in the list so far was quadratic.
fn merged(declared: &[String], answered: Vec<String>) -> Vec<String> {
    let mut seen: std::collections::HashSet<String> = declared.iter().cloned().collect();
    let mut all = declared.to_vec();
    all.extend(
        answered
            .into_iter()
            .filter(|name| seen.insert(name.clone())),
    );
    all
}

fn leak(items: Vec<String>) -> Vec<&'static str> {
    items
        .into_iter()
        .map(|s| &*Box::leak(s.into_boxed_str()))
        .collect()
}

impl Manager for Plugin {
    fn id(&self) -> &'static str {
        self.id
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Updater for Plugin {
    /// Its settings reach its download and update as they reach its queries.
    fn phase_env(&self) -> Vec<(String, String)> {
        self.settings_env()
    }
    fn program(&self) -> &'static str {
        self.id
    }
    fn applies(&self, _host: &Host) -> bool {
        self.ask("is-applicable", self.query()).code == Some(0)
    }
    fn check_argv(&self) -> Vec<String> {
        vec![self.argv0(), "estimate-update".to_owned()]
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        parse_estimate(self.id, stdout)
    }
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        let timeout = Duration::from_secs(self.manifest.timeouts.estimate_update).min(cx.timeout);
        let answer = self.ask("estimate-update", timeout);
        if answer.timed_out {
            return Err(format!(
                "`estimate-update` did not finish within {}s (killed)",
                timeout.as_secs()
            ));
        }
        match answer.code {
            Some(0) => self.parse(&answer.stdout),
            Some(1) => Ok(Vec::new()),
            code => Err(format!(
                "`estimate-update` exited {}: {}",
                code.map_or_else(|| "by a signal".to_owned(), |c| c.to_string()),
                answer.stderr.lines().last().unwrap_or("").trim()
            )),
        }
    }
    fn download_argv(&self) -> Option<Vec<String>> {
        (self.ask("can-separate-download", self.query()).code == Some(0))
            .then(|| vec![self.argv0(), "download".to_owned()])
    }
    fn update_argv(&self) -> Vec<String> {
        vec![self.argv0(), "update".to_owned()]
    }
    fn needs_root(&self) -> bool {
        self.ask("does-require-sudo", self.query()).code == Some(0)
    }
    fn lock_files(&self) -> Vec<super::LockFile> {
        self.manifest
            .lock_files
            .iter()
            .map(|p| super::LockFile::Fcntl(p.clone()))
            .collect()
    }
    fn phase_timeout(&self, phase: Phase) -> Duration {
        Duration::from_secs(match phase {
            Phase::Check => self.manifest.timeouts.estimate_update,
            Phase::Download => self.manifest.timeouts.download,
            Phase::Update => self.manifest.timeouts.update,
        })
    }
    /// The manifest's locks ∪ what the plugin answers.
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        let (i, declared, query) = match phase {
            Phase::Check => (0, &self.manifest.mutexes.check, "estimate-update-mutexes"),
            Phase::Download => (1, &self.manifest.mutexes.download, "download-mutexes"),
            Phase::Update => (2, &self.manifest.mutexes.update, "update-mutexes"),
        };
        self.answers.locks[i]
            .get_or_init(|| leak(merged(declared, self.lines(query))))
            .clone()
    }
    fn runs_after(&self) -> &'static [&'static str] {
        self.answers.runs_after.get_or_init(|| {
            let all = merged(&self.manifest.runs_after, self.lines("runs-after"));
            Box::leak(leak(all).into_boxed_slice())
        })
    }
}

/// The plugin directories, lowest precedence first: the system's, then each
/// enabled module's, then the user's (`CONFIG/plugins.d`).
pub fn dirs(modules: &[PathBuf], config_dir: Option<&Path>) -> Vec<PathBuf> {
    std::iter::once(PathBuf::from(SYSTEM_DIR))
        .chain(modules.iter().cloned())
        .chain(config_dir.map(|d| d.join("plugins.d")))
        .collect()
}

/// The manifests in the plugin directories (see `dirs`), a later
/// directory's file replacing an earlier one of the same name.
pub fn manifests(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let name = entry.file_name().to_string_lossy().into_owned();
                by_name.insert(name, path);
            }
        }
    }
    by_name.into_values().collect()
}

/// Every loadable plugin, and for each manifest that is not, why.
pub fn load_all(dirs: &[PathBuf]) -> (Vec<Plugin>, Vec<String>) {
    let mut plugins = Vec::new();
    let mut problems = Vec::new();
    for path in manifests(dirs) {
        match Plugin::load(&path) {
            Ok(p) => plugins.push(p),
            Err(e) => problems.push(format!("skipped plugin: {e}")),
        }
    }
    (plugins, problems)
}

/// One conformance check and how it went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Conformance {
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

/// The protocol's conformance checks: required commands answer with the
/// exit codes they may, `estimate-update` prints valid JSON, a plugin that
/// needs sudo names its programs as absolute paths that exist.
pub fn validate(plugin: &Plugin) -> Vec<Conformance> {
    let mut out = Vec::new();
    let mut record = |check: &str, ok: bool, detail: String| {
        out.push(Conformance {
            check: check.to_owned(),
            ok,
            detail,
        });
    };
    let query = plugin.query();
    let describe = |a: &Answer| {
        if a.timed_out {
            "did not finish (killed at its timeout)".to_owned()
        } else {
            format!(
                "exited {}{}",
                a.code
                    .map_or_else(|| "by a signal".to_owned(), |c| c.to_string()),
                a.stderr
                    .lines()
                    .last()
                    .map_or_else(String::new, |l| format!(": {}", l.trim()))
            )
        }
    };
    for (command, allowed) in [
        ("is-applicable", &[0, 1][..]),
        ("can-separate-download", &[0, 1]),
        ("does-require-sudo", &[0, 1]),
        ("version", &[0]),
    ] {
        let a = plugin.ask(command, query);
        let ok = !a.timed_out && a.code.is_some_and(|c| allowed.contains(&c));
        let detail = if ok && command == "version" {
            if a.stdout.trim().is_empty() {
                record(command, false, "printed no version".to_owned());
                continue;
            }
            a.stdout.trim().to_owned()
        } else {
            describe(&a)
        };
        record(command, ok, detail);
    }
    let estimate_timeout = Duration::from_secs(plugin.manifest.timeouts.estimate_update);
    let a = plugin.ask("estimate-update", estimate_timeout);
    match (a.timed_out, a.code) {
        (false, Some(0)) => match parse_estimate(&plugin.manifest.name, &a.stdout) {
            Ok(p) => record("estimate-update", true, format!("{} pending", p.len())),
            Err(e) => record("estimate-update", false, e),
        },
        (false, Some(1)) => record("estimate-update", true, "not applicable here".to_owned()),
        _ => record("estimate-update", false, describe(&a)),
    }
    if plugin.ask("does-require-sudo", query).code == Some(0) {
        let a = plugin.ask("sudo-programs-paths", query);
        let paths: Vec<&str> = a
            .stdout
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let bad: Vec<&&str> = paths
            .iter()
            .filter(|p| !Path::new(p).is_absolute() || !Path::new(p).is_file())
            .collect();
        let ok = a.code == Some(0) && !paths.is_empty() && bad.is_empty();
        let detail = if ok {
            paths.join(", ")
        } else if a.code != Some(0) {
            format!("needs sudo but `sudo-programs-paths` {}", describe(&a))
        } else {
            format!("not absolute paths that exist: {bad:?}")
        };
        record("sudo-programs-paths", ok, detail);
    }
    out
}

/// One manifest as `toolup plugins list` shows it: the plugin's name and
/// executable (`-` when the manifest does not load), the manifest, and
/// `ok` or why it does not load.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    pub name: String,
    pub executable: String,
    pub manifest: String,
    pub status: String,
}

/// Every manifest in the plugin directories (see `manifests`), loaded or not.
pub fn list(dirs: &[PathBuf]) -> Vec<Listed> {
    manifests(dirs)
        .into_iter()
        .map(|path| match Plugin::load(&path) {
            Ok(p) => Listed {
                name: p.manifest.name.clone(),
                executable: p.executable.display().to_string(),
                manifest: path.display().to_string(),
                status: "ok".to_owned(),
            },
            Err(e) => Listed {
                name: "-".to_owned(),
                executable: "-".to_owned(),
                manifest: path.display().to_string(),
                status: e,
            },
        })
        .collect()
}

/// The plugin of `plugins` named `name`; the error says there is none,
/// lists those there are and suggests the closest.
pub fn named<'a>(plugins: &'a [Plugin], name: &str) -> Result<&'a Plugin, String> {
    plugins
        .iter()
        .find(|p| p.manifest.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = plugins.iter().map(|p| p.manifest.name.as_str()).collect();
            format!(
                "no plugin named {:?} (plugins: {}){}",
                crate::base::printer::visible(name),
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                },
                crate::base::names::did_you_mean(name, names.iter().copied())
            )
        })
}

impl Plugin {
    /// `toolup plugins info`'s document: the manifest, then the plugin's own
    /// answers (its version, whether it applies on `host`, its commands,
    /// locks and order).
    pub fn info(&self, host: &Host) -> serde_json::Value {
        serde_json::json!({
            "schema_version": 1,
            "name": self.manifest.name,
            "description": self.manifest.description,
            "manifest": self.manifest_path,
            "executable": self.executable,
            "version": self.ask("version", Duration::from_secs(10)).stdout.trim(),
            "applies": self.applies(host),
            "needs_root": self.needs_root(),
            "download": self.download_argv(),
            "update": self.update_argv(),
            "locks": {
                "check": self.locks(Phase::Check),
                "download": self.locks(Phase::Download),
                "update": self.locks(Phase::Update),
            },
            "runs_after": self.runs_after(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Plugin, list_answer, merged, parse_estimate};
    use crate::managers::{Phase, Updater};

    /// A job's locks are asked for by the plan, the runner and `describe`:
    /// the plugin answers each list once a process, and every caller sees
    /// that one answer.
    #[test]
    fn a_plugins_list_answers_are_asked_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let asked = dir.path().join("asked");
        let script = format!(
            "#!/bin/sh\necho \"$1\" >> {}\ncase \"$1\" in\n  update-mutexes) printf 'net\\ndisk\\n' ;;\n  runs-after) echo apt ;;\n  *) exit 1 ;;\nesac\n",
            asked.display()
        );
        let mut staged = crate::state::Staged::new(&dir.path().join("widgets")).unwrap();
        std::io::Write::write_all(staged.file(), script.as_bytes()).unwrap();
        staged.commit(0o755).unwrap();
        let manifest = dir.path().join("widgets.toml");
        crate::state::write_atomic(
            &manifest,
            b"name = \"widgets\"\nexecutable = \"widgets\"\nmutexes.update = [\"pkgmgr:widgets\"]\n",
        )
        .unwrap();
        let plugin = Plugin::load(&manifest).unwrap();
        for _ in 0..3 {
            assert_eq!(
                plugin.locks(Phase::Update),
                ["pkgmgr:widgets", "net", "disk"]
            );
            assert_eq!(plugin.runs_after(), ["apt"]);
        }
        let clone = plugin.clone();
        assert_eq!(
            clone.locks(Phase::Update),
            ["pkgmgr:widgets", "net", "disk"]
        );
        let asked = crate::state::read_text(&asked, crate::state::MIB).unwrap();
        assert_eq!(asked, "update-mutexes\nruns-after\n");
    }

    #[test]
    fn a_list_answer_merges_each_name_once_after_the_manifests() {
        let declared = vec!["pkgmgr:dpkg".to_owned(), "net".to_owned()];
        let answered = ["net", "disk", "disk", "pkgmgr:dpkg", "cpu"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(
            merged(&declared, answered),
            ["pkgmgr:dpkg", "net", "disk", "cpu"]
        );
    }

    /// The most names a 4 MiB answer holds, all different: one pass.
    /// Looking each up in the list so far took minutes.
    #[test]
    fn a_list_answer_of_half_a_million_names_merges_in_one_pass() {
        let answer: String = (0..500_000).map(|i| format!("n{i}\n")).collect();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(merged(&[], list_answer(&answer)).len());
        });
        // Far longer than one pass takes on the busiest machine, far
        // shorter than the old lookups.
        let merged = finished.recv_timeout(std::time::Duration::from_secs(120));
        assert_eq!(merged, Ok(500_000));
    }

    #[test]
    fn a_plugins_status_is_escaped_in_the_error() {
        // tests/fuzz_regressions/plugin_estimate/status-with-a-control
        let error = parse_estimate("p", "{\"status\": \"bad\\r\\u001b[2Jnews\"}").unwrap_err();
        assert_eq!(
            error,
            "plugin p: estimate-update says bad\\u{d}\\u{1b}[2Jnews"
        );
        let error =
            parse_estimate("p", "{\"status\": \"error\", \"error\": \"x\\r\"}").unwrap_err();
        assert_eq!(error, "plugin p: estimate-update says error: \"x\\r\"");
    }

    #[test]
    fn list_answers_are_names_one_a_line() {
        // tests/fuzz_regressions/plugin_lists/not-a-name
        assert_eq!(
            super::list_answer("apt\n\n  flatpak  \r\npkgmgr:dpkg\nx \ry\na b\n\u{1b}[2J\n"),
            ["apt", "flatpak", "pkgmgr:dpkg"]
        );
    }
}
