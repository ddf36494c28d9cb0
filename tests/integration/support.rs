//! A sandbox per test: temp HOME, temp PATH of fake tools, a test catalog and
//! an empty dpkg database, and the real toolup binary to run against them.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub struct Sandbox {
    _root: TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
    /// The first PATH directory.
    pub bin: PathBuf,
    pub catalog: PathBuf,
    pub dpkg: PathBuf,
    /// Where toolup looks for Debian's `reboot-required` flag (empty: the
    /// machine's own flag never reaches a test).
    pub run: PathBuf,
    pub path: Vec<PathBuf>,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let home = root.join("home");
        let bin = root.join("bin");
        let catalog = root.join("catalog");
        let dpkg = root.join("dpkg");
        let run = root.join("run");
        for d in [&home, &bin, &catalog, &dpkg.join("info"), &run] {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(dpkg.join("status"), "").unwrap();
        Sandbox {
            _root: dir,
            path: vec![bin.clone()],
            root,
            home,
            bin,
            catalog,
            dpkg,
            run,
        }
    }

    /// Adds a catalog tool; `extra` is more TOML (patterns, identity, …).
    pub fn tool(&self, name: &str, bins: &[&str], extra: &str) {
        let bins: Vec<String> = bins.iter().map(|b| format!("{b:?}")).collect();
        let text = format!(
            "name = {name:?}\ndescription = \"test tool\"\ncategory = \"test\"\nbins = [{}]\nupstream = \"github:example/{name}\"\n{extra}\n",
            bins.join(", ")
        );
        std::fs::write(self.catalog.join(format!("{name}.toml")), text).unwrap();
    }

    /// Points a tool added by `tool` at another upstream (`npm:NAME`, …).
    pub fn set_upstream(&self, name: &str, upstream: &str) {
        let path = self.catalog.join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(&format!("github:example/{name}"), upstream);
        std::fs::write(path, text).unwrap();
    }

    /// Writes an executable `#!/bin/sh` script (use absolute paths for external commands).
    pub fn script(&self, dir: &Path, name: &str, body: &str) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        write_executable(&path, &format!("#!/bin/sh\n{body}\n"));
        path
    }

    /// A fake tool that prints `output` for any arguments.
    pub fn fake(&self, dir: &Path, name: &str, output: &str) -> PathBuf {
        self.script(dir, name, &format!("/bin/cat <<'EOF'\n{output}\nEOF"))
    }

    pub fn add_path(&mut self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        self.path.push(dir.to_path_buf());
    }

    /// Records the latest upstream version of a tool in the user cache.
    pub fn latest(&self, versions: &[(&str, &str)]) {
        let cache = self.home.join(".cache/toolup");
        std::fs::create_dir_all(&cache).unwrap();
        let mut map = serde_json::Map::new();
        for (tool, version) in versions {
            map.insert((*tool).to_owned(), serde_json::Value::from(*version));
        }
        std::fs::write(
            cache.join("latest_versions.json"),
            serde_json::Value::Object(map).to_string(),
        )
        .unwrap();
    }

    pub fn snapshot_path(&self) -> PathBuf {
        self.root.join("snapshot.json")
    }

    /// The toolup command with a clean environment pointing at the sandbox.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_toolup"));
        let path = std::env::join_paths(&self.path).unwrap();
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("PATH", path)
            .env("TOOLUP_CATALOG", &self.catalog)
            .env("TOOLUP_DPKG_ADMINDIR", &self.dpkg)
            .env("TOOLUP_REBOOT_FLAG_DIR", &self.run)
            .env("TOOLUP_SNAPSHOT", self.snapshot_path())
            // Hermetic: no test reaches the internet. Network tests remove
            // this and point the sources at their loopback fixture server.
            .env("TOOLUP_OFFLINE", "1")
            .current_dir(&self.root)
            .args(args);
        cmd
    }

    /// toolup with this machine's environment (its PATH, the package
    /// managers' own settings) but the sandbox's HOME and reboot flag: the
    /// second tier drives real managers, which need the machine's
    /// environment, yet reads nothing of toolup's from the machine.
    pub fn machine_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_toolup"));
        cmd.args(args)
            .env("HOME", &self.home)
            .env("TOOLUP_REBOOT_FLAG_DIR", &self.run);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs `toolup collect` and returns the snapshot document.
    pub fn collect(&self, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["collect"];
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "collect failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.snapshot()
    }

    pub fn snapshot(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.snapshot_path()).unwrap()).unwrap()
    }
}

/// The record for `name` in a snapshot document.
pub fn record<'a>(snapshot: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    snapshot["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no record for {name} in {snapshot:#}"))
}

pub fn write_executable(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A command's stdout as a JSON document; a clear panic with both streams when it is not.
pub fn json_stdout(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

/// Another program holding an fcntl write lock on `path` (as dpkg and
/// unattended-upgrades do) for `secs` seconds; returns once it holds it.
pub fn hold_lock(path: &Path, secs: f64) -> std::process::Child {
    holder(&format!("time.sleep({secs})\n"), &[path])
}

/// Another program holding an fcntl write lock on `path` until `log`
/// holds `needle` (what the program waiting for it says), or two minutes
/// passed: a wait seen whatever the machine's load, never a race with a
/// fixed time. Returns once it holds the lock.
pub fn hold_lock_until(path: &Path, log: &Path, needle: &str) -> std::process::Child {
    holder(
        "end = time.time() + 120\nwhile time.time() < end:\n    try:\n        if sys.argv[3] in open(sys.argv[2], errors='replace').read():\n            break\n    except OSError:\n        pass\n    time.sleep(0.05)\n",
        &[path, log, Path::new(needle)],
    )
}

/// python3 locking `args[0]`, then running `then`; returns once it holds
/// the lock.
fn holder(then: &str, args: &[&Path]) -> std::process::Child {
    let mut holder = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import fcntl, sys, time\nf = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('held', flush=True)\n{then}"
        ))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "held");
    holder
}

/// The entries of a `toolup history --format json` document.
pub fn history_entries(out: &Output) -> serde_json::Value {
    let doc = json_stdout(out);
    assert_eq!(doc["schema_version"], 1, "{doc:#}");
    doc["entries"].clone()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What bash completes for `words` (the last one being completed), with the
/// script `toolup completions bash` prints sourced in a real bash.
pub fn bash_completes(sb: &Sandbox, words: &[&str]) -> Vec<String> {
    let script = stdout(&sb.run(&["completions", "bash"]));
    let path = sb.root.join("toolup.bash");
    std::fs::write(&path, script).unwrap();
    let line = words.join(" ");
    let program = format!(
        "source {}\nCOMP_WORDS=({line})\nCOMP_CWORD={}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n_toolup toolup \"${{COMP_WORDS[-1]}}\" \"${{COMP_WORDS[-2]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        path.display(),
        words.len() - 1
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(program)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A test that cannot run here because `what` is missing (a program, a
/// package, root). Under `CI=true` that fails the test, naming what to
/// install: CI must test what it says it tests, and `.ci/run` installs
/// all of it. Elsewhere (a developer's machine) it says `skipped: …` on
/// stderr and the test passes.
#[allow(clippy::print_stderr)] // the test's own word to whoever runs it
pub fn missing(what: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and {what}: install it (.ci/run does), or this test tests nothing");
    }
    eprintln!("skipped: {what}");
}
