//! Second tier: the real npm and uv against the real registries, in a temp prefix
//! and a temp HOME. Run with `cargo test -- --include-ignored` (CI does).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Sandbox, record, stderr, stdout};
use toolup::base::digest::sha256_hex;

/// `toolup upgrade semver`, reading every version afresh.
const UPGRADE: &[&str] = &[
    "upgrade",
    "semver",
    "--yes",
    "--environment",
    "workstation",
    "--no-cache",
];

/// A second-tier test that cannot run here: it says so and passes on a
/// developer's machine (the tier needs the machine's package managers), and
/// fails under `CI=true`, naming what to install (`support::missing`).
fn skip(why: &str) {
    crate::support::missing(why);
}

/// The first of `programs` that is not on PATH, as `skip`'s reason with
/// how to get it.
fn not_on_path(programs: &[(&str, &str)]) -> Option<String> {
    programs
        .iter()
        .find(|(p, _)| which(p).is_none())
        .map(|(p, how)| format!("{p} is not on PATH ({how})"))
}

const NODE: (&str, &str) = ("node", "install Node.js: apt-get install nodejs npm");
const NPM: (&str, &str) = ("npm", "install Node.js: apt-get install nodejs npm");
const UV: (&str, &str) = ("uv", "python3 -m pip install uv");
const PYTHON: (&str, &str) = (
    "python3",
    "apt-get install python3 python3-pip python3-venv",
);
const CARGO: (&str, &str) = ("cargo", "install Rust with rustup");
const APT: (&str, &str) = ("apt", "a Debian or Ubuntu machine");

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn npm(sb: &Sandbox, prefix: &Path, args: &[&str]) {
    let out = Command::new(which("npm").unwrap())
        .args(args)
        .env("HOME", &sb.home)
        .env("NPM_CONFIG_PREFIX", prefix)
        .env("NPM_CONFIG_UPDATE_NOTIFIER", "false")
        .output()
        .unwrap();
    assert!(out.status.success(), "npm {args:?}: {}", stderr(&out));
}

#[test]
#[ignore = "second tier: needs npm and the npm registry"]
fn npm_round_trip_with_a_forced_failure_restoring_the_old_bytes() {
    if let Some(why) = not_on_path(&[NPM, NODE]) {
        return skip(&why);
    }
    let (Some(real_npm), Some(node)) = (which("npm"), which("node")) else {
        return;
    };
    let mut sb = Sandbox::new();
    let prefix = sb.root.join("prefix");
    sb.add_path(&prefix.join("bin"));
    sb.add_path(real_npm.parent().unwrap());
    sb.add_path(node.parent().unwrap());
    sb.tool(
        "semver",
        &["semver"],
        r#"version_args = ["--help"]
version_pattern = 'SemVer (\d+\.\d+\.\d+)'
[install]
npm = "semver""#,
    );
    sb.set_upstream("semver", "npm:semver");
    let toolup = |args: &[&str]| {
        let mut cmd = sb.cmd(args);
        cmd.env_remove("TOOLUP_OFFLINE")
            .env("NPM_CONFIG_PREFIX", &prefix)
            .env("NPM_CONFIG_UPDATE_NOTIFIER", "false");
        // The machine's way to the registry (CA bundles, proxies) comes along.
        machine_network_env(&mut cmd);
        cmd
    };
    let run = |args: &[&str]| toolup(args).output().unwrap();
    npm(&sb, &prefix, &["install", "--global", "semver@7.5.4"]);
    let out = run(&["collect", "--no-cache"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tool = record(&sb.snapshot(), "semver").clone();
    assert_eq!(tool["status"], "outdated", "{tool:#}");
    assert_eq!(tool["installed"]["version"], "7.5.4");
    assert_eq!(tool["installed"]["method"], "npm");

    let out = run(&["upgrade", "semver", "--yes", "--environment", "workstation"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tool = record(&sb.snapshot(), "semver").clone();
    assert_eq!(tool["status"], "up-to-date", "{tool:#}");

    // Back to 7.5.4, then an npm that upgrades and then fails.
    npm(&sb, &prefix, &["install", "--global", "semver@7.5.4"]);
    let script = std::fs::canonicalize(prefix.join("bin/semver")).unwrap();
    let manifest = script
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("package.json");
    let package = manifest.parent().unwrap().to_path_buf();
    let before = (
        sha256_hex(&std::fs::read(&script).unwrap()),
        sha256_hex(&std::fs::read(&manifest).unwrap()),
        toolup::state::tree::hash(&package).unwrap(),
    );
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            "{} \"$@\"\necho 'npm ERR! forced failure' >&2\nexit 1",
            real_npm.display()
        ),
    );
    let out = run(UPGRADE);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "restored the previous version from its backup, which runs and reports 7.5.4"
        ),
        "{}",
        stderr(&out)
    );
    let after = (
        sha256_hex(&std::fs::read(&script).unwrap()),
        sha256_hex(&std::fs::read(&manifest).unwrap()),
        toolup::state::tree::hash(&package).unwrap(),
    );
    assert_eq!(
        before, after,
        "the whole package is back, every file byte for byte"
    );
    let runs = Command::new(&node)
        .arg(prefix.join("bin/semver"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&runs.stdout).starts_with("SemVer 7.5.4\n"),
        "the tool runs at its old version"
    );
    let history: serde_json::Value =
        crate::support::history_entries(&run(&["history", "--format", "json"]));
    let outcomes: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["started", "ok", "started", "rolled-back"]);

    // kill -9 of toolup while npm is done writing and hangs on: the next
    // run puts the whole package back, and the tool runs.
    let pid_file = sb.root.join("npm.pid");
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            "{} \"$@\" || exit 1\necho $$ > {pid}.tmp\n/bin/mv {pid}.tmp {pid}\nexec /bin/sleep 60",
            real_npm.display(),
            pid = pid_file.display()
        ),
    );
    let mut child = toolup(UPGRADE)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(sb.root.join("toolup.err")).unwrap())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !pid_file.exists() && started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        pid_file.exists(),
        "npm never finished its part: {}",
        std::fs::read_to_string(sb.root.join("toolup.err")).unwrap_or_default()
    );
    assert_ne!(
        toolup::state::tree::hash(&package).unwrap(),
        before.2,
        "npm did upgrade before toolup was killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let out = run(&["rollback", "semver"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("did not finish"), "{}", stderr(&out));
    assert_eq!(toolup::state::tree::hash(&package).unwrap(), before.2);
    let runs = Command::new(&node)
        .arg(prefix.join("bin/semver"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&runs.stdout).starts_with("SemVer 7.5.4\n"));
}

#[test]
#[ignore = "second tier: needs uv and the PyPI registry"]
fn uv_installs_a_small_pypi_cli_into_a_temp_home() {
    let Some(uv) = which("uv") else {
        return skip(&not_on_path(&[UV]).unwrap_or_default());
    };
    let mut sb = Sandbox::new();
    sb.add_path(uv.parent().unwrap());
    // uv may be a pyenv shim, a bash script that needs the usual system tools.
    sb.add_path(Path::new("/usr/bin"));
    sb.add_path(Path::new("/bin"));
    sb.tool("cowsay", &["cowsay"], "[install]\npypi = \"cowsay\"");
    // Installed at exactly the version PyPI calls latest, so it must be known.
    sb.set_upstream("cowsay", "pypi:cowsay");
    let mut cmd = sb.cmd(&["install", "cowsay", "--yes", "--environment", "workstation"]);
    cmd.env_remove("TOOLUP_OFFLINE");
    for (key, value) in std::env::vars_os() {
        let k = key.to_string_lossy().to_ascii_uppercase();
        if k.starts_with("SSL_CERT")
            || k.ends_with("_PROXY")
            || k.starts_with("UV_")
            || k.starts_with("PIP_")
        {
            cmd.env(&key, value);
        }
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("install cowsay: ok") && err.contains("not on PATH"),
        "{err}"
    );
    let snap = sb.snapshot();
    let installed = &record(&snap, "cowsay")["installed"];
    assert_eq!(installed["method"], "uv", "{installed:#}");
    assert_eq!(installed["version_from"], "metadata");
    assert!(
        installed["path"]
            .as_str()
            .unwrap()
            .ends_with(".local/bin/cowsay")
    );
}

/// The machine's own environment for reaching registries (CA bundles and
/// proxies), without anything of toolup's.
fn machine_network_env(cmd: &mut Command) {
    for (key, value) in std::env::vars_os() {
        let k = key.to_string_lossy().to_ascii_uppercase();
        if k.ends_with("_PROXY") || k.starts_with("SSL_CERT") || k.starts_with("NODE_EXTRA_CA") {
            cmd.env(key, value);
        }
    }
}

/// A fresh HOME, no toolup variable, the machine's PATH: the clients as they come.
fn fresh(home: &Path, program: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    // rustup's proxies need to find the machine's toolchains, which live
    // under the real HOME unless RUSTUP_HOME says otherwise.
    let rustup_home = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".rustup")));
    if let Some(r) = rustup_home {
        cmd.env("RUSTUP_HOME", r);
    }
    machine_network_env(&mut cmd);
    cmd
}

/// What a registry's own client says is the latest version.
/// The `latest` answers of a package's dist-tags document, asked five
/// times (node fetches it from the registry npm is configured with): while
/// a release propagates, the registry's mirrors answer differently.
fn npm_dist_tags(home: &Path, name: &str) -> Vec<String> {
    let registry = client_says(home, "npm", &["config", "get", "registry"], |l| {
        let l = l.trim();
        (!l.is_empty()).then(|| l.trim_end_matches('/').to_string())
    });
    let url = format!("{registry}/-/package/{name}/dist-tags");
    let Some(node) = which("node") else {
        return Vec::new();
    };
    (0..5)
        .filter_map(|_| {
            let out = fresh(home, &node)
                .args([
                    "-e",
                    "fetch(process.argv[1]).then(r => r.json()).then(j => console.log(j.latest))",
                    &url,
                ])
                .output()
                .ok()?;
            let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (!text.is_empty() && text != "undefined").then_some(text)
        })
        .collect()
}

fn client_says(
    home: &Path,
    program: &str,
    args: &[&str],
    pick: impl Fn(&str) -> Option<String>,
) -> String {
    let path = which(program).unwrap_or_else(|| panic!("this test needs {program} on PATH"));
    let out = fresh(home, &path).args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(&pick)
        .unwrap_or_else(|| panic!("{program} {args:?} said: {text}\n{}", stderr(&out)))
}

#[test]
#[ignore = "second tier: needs python3 with pip, cargo, npm and their registries"]
fn latest_answers_from_the_registries_the_machines_clients_know() {
    if let Some(why) = not_on_path(&[PYTHON, NPM, CARGO]) {
        return skip(&why);
    }
    let home = tempfile::tempdir().unwrap();
    let toolup = Path::new(env!("CARGO_BIN_EXE_toolup"));
    let out = fresh(home.path(), toolup)
        .args([
            "latest",
            "ruff",
            "black",
            "prettier",
            "typescript",
            "just",
            "ripgrep",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pip = |name: &str| {
        client_says(
            home.path(),
            "python3",
            &["-m", "pip", "index", "versions", name],
            |l| {
                let rest = l.strip_prefix(&format!("{name} ("))?;
                Some(rest.trim_end_matches(')').to_string())
            },
        )
    };
    let npm = |name: &str| {
        client_says(home.path(), "npm", &["view", name, "version"], |l| {
            let l = l.trim();
            (!l.is_empty()).then(|| l.to_string())
        })
    };
    let cargo = |name: &str| {
        client_says(home.path(), "cargo", &["info", name], |l| {
            l.strip_prefix("version: ")
                .map(|v| v.split_whitespace().next().unwrap_or(v).to_string())
        })
    };
    for (tool, expected, source) in [
        ("ruff", pip("ruff"), "pypi:ruff"),
        ("black", pip("black"), "pypi:black"),
        ("prettier", npm("prettier"), "npm:prettier"),
        ("typescript", npm("typescript"), "npm:typescript"),
        ("just", cargo("just"), "crates:just"),
        // GitHub first where it is reachable; this machine reaches only crates.
        ("ripgrep", cargo("ripgrep"), "crates:ripgrep"),
    ] {
        let latest = &record(&doc, tool)["latest"];
        assert_eq!(latest["from"], "network", "{tool}: {latest:#}");
        // npm's registry serves the dist-tags toolup reads apart from the
        // packument `npm view` reads, and while a release propagates its
        // mirrors disagree (seen: 3.10.2 and 3.10.1 by turns); any answer
        // the registry gives is what the registry says.
        let also = if source.starts_with("npm:") && latest["version"] != expected.as_str() {
            npm_dist_tags(home.path(), tool)
        } else {
            Vec::new()
        };
        assert!(
            latest["version"] == expected.as_str()
                || also.iter().any(|a| latest["version"] == a.as_str()),
            "{tool}: {latest:#}, the client says {expected} (dist-tags: {also:?})"
        );
        let github_first = tool == "ripgrep" && latest["source"] == "github:BurntSushi/ripgrep";
        assert!(
            github_first || latest["source"] == source,
            "{tool}: {latest:#}"
        );
    }
}

/// `toolup system check --only U --format json` as this machine's user runs it.
fn system_check(sandbox: Option<&Sandbox>, only: &str, env: &[(&str, &Path)]) -> serde_json::Value {
    let args = ["system", "check", "--only", only, "--format", "json"];
    // With the real HOME (the managers' own settings live there), toolup's
    // state still goes to a temp directory: a test never writes the
    // machine's `~/.local/state/toolup`.
    let state = tempfile::tempdir().unwrap();
    let mut cmd = match sandbox {
        Some(sb) => sb.machine_cmd(&args),
        None => {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_toolup"));
            cmd.args(args).env("XDG_STATE_HOME", state.path());
            cmd
        }
    };
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", stderr(&out));
    if sandbox.is_none() {
        assert!(
            state.path().join("toolup/system_check.json").is_file(),
            "the report was not saved in the temp state directory"
        );
    }
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)))
}

fn pending_of(doc: &serde_json::Value, updater: &str) -> Vec<(String, String, String)> {
    let u = doc["updaters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["updater"] == updater)
        .unwrap_or_else(|| panic!("no {updater}: {doc:#}"));
    assert!(u["error"].is_null(), "{u:#}");
    let mut list: Vec<(String, String, String)> = u["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or("").to_owned();
            (s("name"), s("from"), s("to"))
        })
        .collect();
    list.sort();
    list
}

#[test]
#[ignore = "second tier: needs apt's lists and npm"]
fn system_check_agrees_with_apt_and_npm_themselves() {
    if let Some(why) = not_on_path(&[APT, NPM]) {
        return skip(&why);
    }
    let doc = system_check(None, "apt,npm", &[]);
    // apt: `apt list --upgradable` as far as `apt-get -s dist-upgrade`
    // really upgrades it (held and kept-back packages are not pending),
    // and the new packages the simulation installs.
    let simulation = String::from_utf8(
        Command::new("apt-get")
            .args(["-s", "dist-upgrade"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let upgraded: Vec<&str> = simulation
        .lines()
        .filter_map(|l| l.strip_prefix("Inst "))
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|w| w.starts_with('['))
        })
        .filter_map(|l| l.split_whitespace().next()?.split(':').next())
        .collect();
    let installed_new: Vec<(String, String, String)> = simulation
        .lines()
        .filter_map(|l| l.strip_prefix("Inst "))
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_some_and(|w| w.starts_with('('))
        })
        .map(|l| {
            let mut w = l.split_whitespace();
            let name = w.next().unwrap().split(':').next().unwrap().to_owned();
            let new = w.next().unwrap().trim_start_matches('(').to_owned();
            (name, String::new(), new)
        })
        .collect();
    let listed = String::from_utf8(
        Command::new("apt")
            .args(["list", "--upgradable"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let mut expected: Vec<(String, String, String)> = listed
        .lines()
        .filter(|l| l.contains("[upgradable from:"))
        .map(|l| {
            let (name, rest) = l.split_once('/').unwrap();
            let new = rest.split_whitespace().nth(1).unwrap();
            let old = l.rsplit_once("from: ").unwrap().1.trim_end_matches(']');
            (name.to_owned(), old.to_owned(), new.to_owned())
        })
        .filter(|(name, _, _)| upgraded.contains(&name.as_str()))
        .collect();
    expected.extend(installed_new);
    expected.sort();
    assert_eq!(pending_of(&doc, "apt"), expected);
    // npm: exactly `npm outdated --global --json` (those whose latest differs).
    let npm = Command::new("npm")
        .args(["outdated", "--global", "--json"])
        .output()
        .unwrap();
    let outdated: serde_json::Value =
        serde_json::from_slice(&npm.stdout).unwrap_or(serde_json::json!({}));
    let mut expected: Vec<(String, String, String)> = outdated
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, e)| e["current"] != e["latest"])
        .map(|(n, e)| {
            (
                n.clone(),
                e["current"].as_str().unwrap_or("").to_owned(),
                e["latest"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(pending_of(&doc, "npm"), expected);
}

#[test]
#[ignore = "second tier: needs npm, uv and their registries"]
fn system_check_lists_old_versions_installed_in_sandboxes_and_uv_updates_them_as_it_said() {
    if let Some(why) = not_on_path(&[NPM, UV]) {
        return skip(&why);
    }
    let (Some(real_npm), Some(uv)) = (which("npm"), which("uv")) else {
        return;
    };
    let sb = Sandbox::new();
    let prefix = sb.root.join("npm-prefix");
    npm(&sb, &prefix, &["install", "--global", "semver@7.5.4"]);
    let latest_semver = client_says(&sb.home, "npm", &["view", "semver", "version"], |l| {
        let l = l.trim();
        (!l.is_empty()).then(|| l.to_owned())
    });
    let doc = system_check(Some(&sb), "npm", &[("NPM_CONFIG_PREFIX", &prefix)]);
    assert_eq!(
        pending_of(&doc, "npm"),
        [("semver".to_owned(), "7.5.4".to_owned(), latest_semver)]
    );
    let _ = real_npm;
    // uv, in a sandboxed tool dir: cowsay at 5.0 with no constraint (as if
    // installed when 5.0 was latest: the pin is taken out of its receipt),
    // pyjokes pinned at 0.6.0, which `uv tool upgrade` keeps.
    let tools = sb.root.join("uv-tools");
    let bin = sb.root.join("uv-bin");
    let uv_cmd = |args: &[&str]| {
        let out = Command::new(&uv)
            .args(args)
            .env("UV_TOOL_DIR", &tools)
            .env("UV_TOOL_BIN_DIR", &bin)
            .output()
            .unwrap();
        assert!(out.status.success(), "uv {args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    uv_cmd(&["tool", "install", "cowsay==5.0"]);
    uv_cmd(&["tool", "install", "pyjokes==0.6.0"]);
    let receipt = tools.join("cowsay/uv-receipt.toml");
    let text = std::fs::read_to_string(&receipt).unwrap();
    assert!(text.contains(r#"specifier = "==5.0""#), "{text}");
    std::fs::write(&receipt, text.replace(r#", specifier = "==5.0""#, "")).unwrap();
    let uv_env = [
        ("UV_TOOL_DIR", tools.as_path()),
        ("UV_TOOL_BIN_DIR", bin.as_path()),
    ];
    let doc = system_check(Some(&sb), "uv", &uv_env);
    let pending = pending_of(&doc, "uv");
    assert_eq!(
        pending.len(),
        1,
        "the pinned pyjokes is not pending: {doc:#}"
    );
    assert_eq!(
        (pending[0].0.as_str(), pending[0].1.as_str()),
        ("cowsay", "5.0")
    );
    let latest_cowsay = pending[0].2.clone();
    assert!(!latest_cowsay.is_empty() && latest_cowsay != "5.0");
    // The update does what the check said, and nothing else.
    let mut cmd = sb.machine_cmd(&["system", "update", "--only", "uv", "--yes"]);
    cmd.env("UV_TOOL_DIR", &tools).env("UV_TOOL_BIN_DIR", &bin);
    machine_network_env(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let listed = uv_cmd(&["tool", "list"]);
    assert!(
        listed.contains(&format!("cowsay v{latest_cowsay}")) && listed.contains("pyjokes v0.6.0"),
        "{listed}"
    );
}

/// An apt sandbox: a local repository with two suites (`stable`, and
/// `stable-security` labelled Debian-Security) built with dpkg-deb and
/// apt-ftparchive, and a private root holding version 1.0 of `tusec` and
/// `tuplain`; apt and dpkg are pointed at it through `APT_CONFIG`. Returns
/// the config file and the root.
fn apt_sandbox(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let script = r#"set -e
R=$1; S=$R/root
for pkg in tusec tuplain; do for v in 1.0 2.0; do
  d=$R/build/$pkg-$v; mkdir -p $d/DEBIAN $d/usr/share/$pkg
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: t <t@example.com>\nDescription: test\n' $pkg $v > $d/DEBIAN/control
  echo $v > $d/usr/share/$pkg/version
  mkdir -p $R/pool; dpkg-deb --build --root-owner-group $d $R/pool/${pkg}_${v}_all.deb >/dev/null
done; done
mkdir -p $R/repo/pool/stable $R/repo/pool/security
cp $R/pool/tuplain_2.0_all.deb $R/repo/pool/stable/; cp $R/pool/tusec_2.0_all.deb $R/repo/pool/security/
cd $R/repo
for s in stable:stable:Debian stable-security:security:Debian-Security; do
  IFS=: read suite dir label <<< "$s"; mkdir -p dists/$suite/main/binary-all
  apt-ftparchive packages pool/$dir > dists/$suite/main/binary-all/Packages
  apt-ftparchive -o APT::FTPArchive::Release::Suite=$suite -o APT::FTPArchive::Release::Label=$label \
    -o APT::FTPArchive::Release::Architectures=all -o APT::FTPArchive::Release::Components=main \
    release dists/$suite > dists/$suite/Release
done
mkdir -p $S/var/lib/dpkg/info $S/var/lib/dpkg/updates $S/var/lib/apt/lists/partial $S/var/log/apt \
  $S/var/cache/apt/archives/partial $S/etc/apt/sources.list.d $S/etc/apt/preferences.d $S/etc/apt/apt.conf.d
touch $S/var/lib/dpkg/status $S/var/lib/dpkg/available
printf 'deb [trusted=yes] file:%s stable main\ndeb [trusted=yes] file:%s stable-security main\n' $R/repo $R/repo > $S/etc/apt/sources.list
{
  echo "Dir \"$S/\";"
  echo "Dir::State::status \"$S/var/lib/dpkg/status\";"
  echo "Dir::Etc::main \"$S/etc/apt/apt.conf\";"
  echo "Dir::Etc::Parts \"$S/etc/apt/apt.conf.d\";"
  echo "Dir::Etc::sourcelist \"$S/etc/apt/sources.list\";"
  echo "Dir::Etc::sourceparts \"$S/etc/apt/sources.list.d\";"
  echo "Dir::Etc::preferencesparts \"$S/etc/apt/preferences.d\";"
  echo "Dir::Bin::dpkg \"/usr/bin/dpkg\";"
  echo "DPkg::Options { \"--root=$S\"; \"--admindir=$S/var/lib/dpkg\"; \"--force-not-root\"; \"--force-bad-path\"; };"
  echo "APT::Architecture \"amd64\";"
  echo "DPkg::Lock::Timeout \"0\";"
} > $R/apt.conf
dpkg --root=$S --admindir=$S/var/lib/dpkg --force-not-root --force-bad-path -i $R/pool/tusec_1.0_all.deb $R/pool/tuplain_1.0_all.deb >/dev/null
APT_CONFIG=$R/apt.conf apt-get update -qq >/dev/null
"#;
    std::fs::create_dir_all(dir).unwrap();
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg("apt-sandbox")
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    (dir.join("apt.conf"), dir.join("root"))
}

fn installed_version(root: &Path, pkg: &str) -> String {
    std::fs::read_to_string(root.join(format!("usr/share/{pkg}/version")))
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
#[ignore = "second tier: needs apt, dpkg-deb and apt-ftparchive (apt-utils), and root"]
fn apt_security_only_and_a_held_lock_in_a_sandboxed_root() {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root_user = unsafe { libc::geteuid() } == 0;
    if ["apt-get", "dpkg-deb", "apt-ftparchive"]
        .iter()
        .any(|p| which(p).is_none())
        || !root_user
    {
        return skip(
            &not_on_path(&[
                ("apt-get", "a Debian or Ubuntu machine"),
                ("dpkg-deb", "a Debian or Ubuntu machine"),
                ("apt-ftparchive", "apt-get install apt-utils"),
            ])
            .unwrap_or_else(|| {
                "not root: the apt sandbox needs root (run the tests as root)".to_owned()
            }),
        );
    }
    let sb = Sandbox::new();
    let (config, root) = apt_sandbox(&sb.root.join("apt"));
    let toolup = |args: &[&str]| {
        let mut cmd = sb.machine_cmd(args);
        cmd.env("APT_CONFIG", &config).env("TOOLUP_OFFLINE", "1");
        cmd
    };
    let out = toolup(&[
        "system",
        "update",
        "--only",
        "apt",
        "--security-only",
        "--yes",
    ])
    .output()
    .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        installed_version(&root, "tusec"),
        "2.0",
        "the security package"
    );
    assert_eq!(
        installed_version(&root, "tuplain"),
        "1.0",
        "and nothing else"
    );

    // A held package is not pending: dist-upgrade would keep it back.
    let apt_mark = |action: &str| {
        let out = Command::new("apt-mark")
            .args([action, "tuplain"])
            .env("APT_CONFIG", &config)
            .output()
            .unwrap();
        assert!(out.status.success(), "apt-mark {action}: {}", stderr(&out));
    };
    let check = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)))
    };
    let mut check_cmd = toolup(&["system", "check", "--only", "apt", "--format", "json"]);
    assert_eq!(
        pending_of(&check(&mut check_cmd), "apt"),
        [("tuplain".to_owned(), "1.0".to_owned(), "2.0".to_owned())]
    );
    apt_mark("hold");
    assert_eq!(pending_of(&check(&mut check_cmd), "apt"), []);
    apt_mark("unhold");

    // Another program holds the sandbox's dpkg frontend lock for a while:
    // toolup waits, names it, and goes on once it is released.
    let lock = root.join("var/lib/dpkg/lock-frontend");
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&lock)
        .unwrap();
    let log = root.join("update.err");
    let mut holder = crate::support::hold_lock_until(&lock, &log, "is held by pid");
    let out = toolup(&["system", "update", "--only", "apt", "--yes"])
        .stderr(std::fs::File::create(&log).unwrap())
        .output()
        .unwrap();
    holder.wait().unwrap();
    let err = std::fs::read_to_string(&log).unwrap();
    assert!(out.status.success(), "{}{err}", stdout(&out));
    assert!(
        err.contains(&format!(
            "{} is held by pid {}",
            lock.display(),
            holder.id()
        )) && err.contains("python3"),
        "{err}"
    );
    assert_eq!(
        installed_version(&root, "tuplain"),
        "2.0",
        "the full update took the rest"
    );
}

#[test]
#[ignore = "second tier: needs npm and the npm registry"]
fn system_update_upgrades_an_old_npm_global_and_records_it() {
    if let Some(why) = not_on_path(&[NPM, NODE]) {
        return skip(&why);
    }
    let (Some(_), Some(node)) = (which("npm"), which("node")) else {
        return;
    };
    let sb = Sandbox::new();
    let prefix = sb.root.join("npm-prefix");
    npm(&sb, &prefix, &["install", "--global", "semver@7.5.4"]);
    let toolup = |args: &[&str]| {
        let mut cmd = sb.machine_cmd(args);
        cmd.env("NPM_CONFIG_PREFIX", &prefix)
            .env("NPM_CONFIG_UPDATE_NOTIFIER", "false");
        machine_network_env(&mut cmd);
        cmd.output().unwrap()
    };
    let out = toolup(&["system", "update", "--only", "npm", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let runs = Command::new(&node)
        .arg(prefix.join("bin/semver"))
        .arg("--help")
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&runs.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned();
    assert!(
        first.starts_with("SemVer 7.") && first != "SemVer 7.5.4",
        "{first}"
    );
    let out = toolup(&["system", "history", "--updater", "npm", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let phase = &doc["phases"][0];
    assert_eq!(
        (phase["phase"].as_str(), phase["outcome"].as_str()),
        (Some("update"), Some("ok")),
        "{doc:#}"
    );
    assert!(
        phase["wall_ms"].as_u64().unwrap() > 0 && phase["user_ms"].is_u64(),
        "{doc:#}"
    );
    assert_eq!(phase["packages"], 1);
}

#[test]
#[ignore = "second tier: needs python3 with venv and the PyPI registry"]
fn system_update_upgrades_a_pipx_app_to_what_the_check_said() {
    let Some(python) = which("python3") else {
        return skip(&not_on_path(&[PYTHON]).unwrap_or_default());
    };
    // pipx goes into a venv of the test's own: python3 must make one.
    let venv_works = Command::new(&python)
        .args(["-c", "import venv, ensurepip"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !venv_works {
        return skip("python3 cannot make a venv (apt-get install python3-venv)");
    }
    let sb = Sandbox::new();
    // pipx itself, in a venv of the test's own (the machine has none).
    let venv = sb.root.join("pipx-venv");
    let run = |program: &Path, args: &[&str], env: &[(&str, &Path)]| {
        let mut cmd = Command::new(program);
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        machine_network_env(&mut cmd);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{program:?} {args:?}: {}",
            stderr(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&python, &["-m", "venv", venv.to_str().unwrap()], &[]);
    run(&venv.join("bin/pip"), &["install", "--quiet", "pipx"], &[]);
    let pipx_home = sb.root.join("pipx-home");
    let pipx_bin = sb.root.join("pipx-bin");
    let path = std::env::join_paths(std::iter::once(venv.join("bin")).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let path = PathBuf::from(path);
    let env = [
        ("PIPX_HOME", pipx_home.as_path()),
        ("PIPX_BIN_DIR", pipx_bin.as_path()),
        ("PATH", path.as_path()),
    ];
    run(&venv.join("bin/pipx"), &["install", "pyjokes==0.6.0"], &env);
    let doc = system_check(Some(&sb), "pipx", &env);
    let pending = pending_of(&doc, "pipx");
    assert_eq!(pending.len(), 1, "{doc:#}");
    assert_eq!(
        (pending[0].0.as_str(), pending[0].1.as_str()),
        ("pyjokes", "0.6.0")
    );
    let to = pending[0].2.clone();
    let mut cmd = sb.machine_cmd(&["system", "update", "--only", "pipx", "--yes"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    machine_network_env(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let listed = run(&venv.join("bin/pipx"), &["list", "--short"], &env);
    assert!(
        listed.contains(&format!("pyjokes {to}")),
        "the check said {to}: {listed}"
    );
}

#[test]
#[ignore = "second tier: needs this machine's apt, npm and rustup"]
fn the_whole_check_lists_each_package_once_and_the_catalog_none_of_the_managers() {
    if let Some(why) = not_on_path(&[APT]) {
        return skip(&why);
    }
    // This machine, as it is: every applicable updater, the catalog too.
    let doc = system_check(None, "apt,npm,rustup,toolup", &[]);
    let updaters = doc["updaters"].as_array().unwrap();
    let names_of = |id: &str| -> Vec<String> {
        updaters
            .iter()
            .filter(|u| u["updater"] == id)
            .flat_map(|u| u["pending"].as_array().cloned().unwrap_or_default())
            .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let mut all: Vec<String> = updaters
        .iter()
        .flat_map(|u| u["pending"].as_array().cloned().unwrap_or_default())
        .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "a package is listed twice: {doc:#}");
    // What the managers themselves say is theirs, the catalog never names.
    let run = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let apt: Vec<String> = run("apt", &["list", "--upgradable"])
        .lines()
        .filter_map(|l| l.split('/').next())
        .filter(|n| !n.contains(' ') && !n.is_empty())
        .map(str::to_owned)
        .collect();
    let npm: Vec<String> =
        serde_json::from_str::<serde_json::Value>(&run("npm", &["outdated", "--global", "--json"]))
            .ok()
            .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()))
            .unwrap_or_default();
    let rustup_owned = [
        "cargo",
        "rustc",
        "rustfmt",
        "clippy",
        "rustup",
        "rust-analyzer",
    ];
    let catalog = names_of("toolup");
    for name in &catalog {
        assert!(
            !apt.contains(name) && !npm.contains(name) && !rustup_owned.contains(&name.as_str()),
            "the catalog names {name}, which its own manager updates: {catalog:?}"
        );
    }
}
