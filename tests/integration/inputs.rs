//! Inputs an attacker (or an accident) hands toolup: files that are not
//! files (a FIFO, `/dev/zero` behind a link, a file past its size cap) in
//! every directory toolup reads, and numbers at their type's extremes in
//! every place a number comes from (flags, variables, config files, an
//! untrusted project file, plugin manifests, plugin answers). Each is an
//! error naming its source — exit 2, or a failed check for that updater —
//! never a hang, an unbounded read or a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::{Sandbox, json_stdout, stderr, stdout, write_executable};

/// Generous: toolup answers these in well under a second; the deadline only
/// tells "answers" from "hangs forever" on a busy machine.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `cmd`, killed (and the test failed) if it has not finished by the deadline.
fn bounded(mut cmd: Command, what: &str) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            // SAFETY: kill(2) on the child we started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("{what}: still running after {DEADLINE:?} (hangs)");
        }
    }
}

/// Never a panic (101) or an abort (134).
fn no_crash(out: &Output, what: &str) {
    let code = out.status.code();
    assert!(
        code.is_some() && code != Some(101) && code != Some(134),
        "{what}: exit {code:?}\n{}{}",
        stdout(out),
        stderr(out)
    );
    assert!(!stderr(out).contains("panicked"), "{what}: {}", stderr(out));
}

/// Exit 2 with every one of `words` in the error.
fn refused(out: &Output, what: &str, words: &[&str]) {
    no_crash(out, what);
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{what}: {}{err}", stdout(out));
    for word in words {
        assert!(err.contains(word), "{what}: {word:?} not in {err:?}");
    }
}

/// What is put where a file should be.
#[derive(Clone, Copy, Debug)]
enum NotAFile {
    Fifo,
    /// A link to `/dev/zero`: endless bytes.
    DevZero,
    /// A regular file of `cap + 1` bytes (a TOML comment, valid in itself).
    Oversized(u64),
}

impl NotAFile {
    fn all(cap: u64) -> [NotAFile; 3] {
        [NotAFile::Fifo, NotAFile::DevZero, NotAFile::Oversized(cap)]
    }

    fn make(self, path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(path);
        match self {
            NotAFile::Fifo => {
                let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
                // SAFETY: mkfifo with a valid C string.
                assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            }
            NotAFile::DevZero => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
            NotAFile::Oversized(cap) => {
                let mut text = vec![b'#'; usize::try_from(cap).unwrap()];
                text.push(b'\n');
                std::fs::write(path, text).unwrap();
            }
        }
    }

    /// The words the error says it with.
    fn why(self) -> &'static str {
        match self {
            NotAFile::Fifo => "FIFO",
            NotAFile::DevZero => "character device",
            NotAFile::Oversized(_) => "larger than",
        }
    }
}

const MIB: u64 = 1024 * 1024;

fn config_dir(sb: &Sandbox) -> PathBuf {
    sb.home.join(".config/toolup")
}

fn module_dir(sb: &Sandbox) -> PathBuf {
    sb.home.join(".local/share/toolup/modules/team")
}

/// An installed module (as a sync leaves it), with one good catalog tool.
fn installed_module(sb: &Sandbox) -> PathBuf {
    let dir = module_dir(sb);
    std::fs::create_dir_all(dir.join("catalog")).unwrap();
    std::fs::write(
        dir.join("module.toml"),
        "name = \"team\"\nschema_version = \"1.0.0\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("catalog/teamtool.toml"),
        "name = \"teamtool\"\ndescription = \"t\"\ncategory = \"team\"\nbins = [\"teamtool\"]\nupstream = \"none\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_fifo_a_device_or_an_oversized_file_where_toolup_reads_is_refused_by_name() {
    let sb = Sandbox::new();
    sb.tool("tuinput", &["tuinput"], "");
    installed_module(&sb);
    // (where, the cap of that kind of file, the commands that read it)
    let places: Vec<(PathBuf, u64, Vec<Vec<&str>>)> = vec![
        (
            config_dir(&sb).join("catalog/x.toml"),
            MIB,
            vec![
                vec!["catalog", "list"],
                vec!["catalog", "validate"],
                vec!["audit"],
            ],
        ),
        (
            module_dir(&sb).join("catalog/x.toml"),
            MIB,
            vec![vec!["catalog", "list"], vec!["audit"]],
        ),
        (
            config_dir(&sb).join("config.toml"),
            MIB,
            vec![vec!["catalog", "list"], vec!["audit"]],
        ),
        (
            sb.root.join(".toolup.toml"),
            MIB,
            vec![vec!["config", "show"], vec!["audit"], vec!["trust"]],
        ),
    ];
    for (path, cap, commands) in &places {
        for bad in NotAFile::all(*cap) {
            bad.make(path);
            for args in commands {
                let what = format!("{bad:?} at {}: toolup {}", path.display(), args.join(" "));
                let out = bounded(sb.cmd(args), &what);
                refused(&out, &what, &[&path.display().to_string(), bad.why()]);
            }
            std::fs::remove_file(path).unwrap();
        }
    }

    // A plugin manifest: `plugins list` shows why it does not load, the
    // others warn and go on.
    let manifest = config_dir(&sb).join("plugins.d/x.toml");
    for bad in NotAFile::all(256 * 1024) {
        bad.make(&manifest);
        let what = format!("{bad:?} as a plugin manifest: plugins list");
        let out = bounded(sb.cmd(&["plugins", "list", "--format", "json"]), &what);
        no_crash(&out, &what);
        let status = json_stdout(&out)["plugins"][0]["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            status.contains(&manifest.display().to_string()) && status.contains(bad.why()),
            "{what}: {status:?}"
        );
        let what = format!("{bad:?} as a plugin manifest: plugins info x");
        let out = bounded(sb.cmd(&["plugins", "info", "x"]), &what);
        refused(&out, &what, &[&manifest.display().to_string(), bad.why()]);
        std::fs::remove_file(&manifest).unwrap();
    }

    // A module's own manifest: the module is passed over, named.
    let module_toml = module_dir(&sb).join("module.toml");
    for bad in NotAFile::all(64 * 1024) {
        bad.make(&module_toml);
        let what = format!("{bad:?} as module.toml: modules list");
        let out = bounded(sb.cmd(&["modules", "list"]), &what);
        no_crash(&out, &what);
        assert!(
            stderr(&out).contains(&module_toml.display().to_string()),
            "{what}: {}",
            stderr(&out)
        );
    }
}

/// Every flag or variable value here is refused with exit 2, naming it.
#[test]
fn numbers_from_flags_and_variables_are_range_checked_by_name() {
    let sb = Sandbox::new();
    sb.tool("tuinput", &["tuinput"], "");
    for jobs in [
        "0",
        "257",
        "100000000",
        "4294967296",
        "9223372036854775807",
        "18446744073709551615",
        "18446744073709551616",
        "-1",
        "nan",
        "inf",
        "1.5",
    ] {
        let what = format!("audit --jobs={jobs}");
        let out = bounded(sb.cmd(&["audit", &format!("--jobs={jobs}")]), &what);
        refused(&out, &what, &["--jobs"]);
    }
    for secs in [
        "0",
        "-1",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e300",
        "1e19",
        "86401",
        "1e-300",
        "18446744073709551616",
    ] {
        let what = format!("audit --timeout={secs}");
        let out = bounded(sb.cmd(&["audit", &format!("--timeout={secs}")]), &what);
        refused(&out, &what, &["--timeout"]);
    }
    for secs in [
        "0", "-1", "nan", "inf", "-inf", "1e300", "1e19", "86401", "1e-300", "abc",
    ] {
        let what = format!("TOOLUP_HTTP_TIMEOUT={secs} audit");
        let mut cmd = sb.cmd(&["audit"]);
        cmd.env("TOOLUP_HTTP_TIMEOUT", secs);
        refused(&bounded(cmd, &what), &what, &["TOOLUP_HTTP_TIMEOUT"]);
    }
    for age in ["99999999999999999999999y", "1000y"] {
        let what = format!("--min-release-age {age}");
        let out = bounded(sb.cmd(&["audit", "--min-release-age", age]), &what);
        refused(&out, &what, &["--min-release-age"]);
    }
    // In range, the same flags and variable work.
    let mut cmd = sb.cmd(&["audit", "--jobs", "256", "--timeout", "86400"]);
    cmd.env("TOOLUP_HTTP_TIMEOUT", "0.5");
    let out = bounded(cmd, "in range");
    no_crash(&out, "in range");
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// `[audit] jobs` (and other numbers) in the user's config and in an
/// untrusted project file: exit 2 naming the file and the key, at once.
#[test]
fn numbers_in_config_and_untrusted_project_files_are_range_checked_by_name() {
    let sb = Sandbox::new();
    sb.tool("tuinput", &["tuinput"], "");
    let user = config_dir(&sb).join("config.toml");
    let project = sb.root.join(".toolup.toml");
    std::fs::create_dir_all(user.parent().unwrap()).unwrap();
    let mut cases: Vec<(String, &str)> = [
        "0",
        "257",
        "100000",
        "4294967296",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        "-1",
        "nan",
        "inf",
        "-inf",
        "1.5",
    ]
    .iter()
    .map(|v| (format!("[audit]\njobs = {v}\n"), "jobs"))
    .collect();
    for timeout in ["\"0s\"", "\"2d\"", "\"100000000000000000000000s\"", "-1"] {
        cases.push((format!("[audit]\ntimeout = {timeout}\n"), "timeout"));
    }
    for (key, age) in [
        ("ttl", "\"99999999999999999999y\""),
        ("min_release_age", "\"1000y\""),
    ] {
        cases.push((format!("[upstream]\n{key} = {age}\n"), key));
    }
    for file in [&user, &project] {
        for (text, key) in &cases {
            std::fs::write(file, text).unwrap();
            let what = format!("{} holding {text:?}", file.display());
            let out = bounded(sb.cmd(&["audit"]), &what);
            refused(&out, &what, &[&file.display().to_string(), key]);
        }
        std::fs::remove_file(file).unwrap();
    }
}

/// A plugin (its manifest and its executable) in `dir`; `estimate` is
/// what `estimate-update` prints, `update` what `update` runs.
fn plugin(dir: &Path, name: &str, timeouts: &str, estimate: &str, update: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    write_executable(
        &dir.join(format!("{name}-plugin")),
        &format!(
            "#!/bin/sh\ncase \"$1\" in\n  is-applicable) exit 0 ;;\n  version) echo 1.0 ;;\n  can-separate-download|does-require-sudo) exit 1 ;;\n  estimate-update) echo '{estimate}' ;;\n  update) {update} ;;\n  *) exit 0 ;;\nesac\n"
        ),
    );
    let manifest = dir.join(format!("{name}.toml"));
    std::fs::write(
        &manifest,
        format!("name = \"{name}\"\nexecutable = \"{name}-plugin\"\n{timeouts}"),
    )
    .unwrap();
    manifest
}

const ONE_PENDING: &str = r#"{"status": "success", "data": {"packages_to_update": [{"name": "w", "current_version": "1", "new_version": "2"}]}}"#;

#[test]
fn plugin_timeouts_out_of_range_make_the_manifest_invalid_by_name() {
    let sb = Sandbox::new();
    let dir = config_dir(&sb).join("plugins.d");
    for key in ["query", "estimate_update", "download", "update"] {
        for value in [
            "0",
            "-1",
            "86401",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551615",
            "nan",
            "inf",
            "1.5",
        ] {
            let manifest = plugin(
                &dir,
                "tuhuge",
                &format!("[timeouts]\n{key} = {value}\n"),
                ONE_PENDING,
                "exit 0",
            );
            let shown = manifest.display().to_string();
            let what = format!("[timeouts] {key} = {value}");
            let out = bounded(
                sb.cmd(&["plugins", "validate", manifest.to_str().unwrap()]),
                &what,
            );
            refused(&out, &what, &[&shown, key]);
            if value == "9223372036854775807" {
                for args in [
                    &["plugins", "info", "tuhuge"][..],
                    &["system", "check", "--only", "tuhuge"],
                    &["system", "update", "--yes", "--only", "tuhuge"],
                ] {
                    let what = format!("{what}: toolup {}", args.join(" "));
                    let out = bounded(sb.cmd(args), &what);
                    refused(&out, &what, &[&shown, key, "out of range"]);
                }
            }
        }
    }
    // The largest in range loads.
    let manifest = plugin(
        &dir,
        "tuhuge",
        "[timeouts]\nquery = 86400\nestimate_update = 86400\ndownload = 86400\nupdate = 86400\n",
        ONE_PENDING,
        "exit 0",
    );
    let out = bounded(
        sb.cmd(&["plugins", "validate", manifest.to_str().unwrap()]),
        "in range",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn numbers_in_plugin_answers_out_of_range_fail_that_updater_by_name() {
    let sb = Sandbox::new();
    let dir = config_dir(&sb).join("plugins.d");
    let package = |size: &str| {
        format!(
            r#"{{"name": "p{size}", "current_version": "1", "new_version": "2", "download_size_bytes": {size}}}"#
        )
    };
    for sizes in [
        vec!["18446744073709551615", "18446744073709551615"],
        vec!["1125899906842625"],
        vec!["18446744073709551616"],
        vec!["-1"],
        vec!["1e400"],
        vec!["1.5"],
    ] {
        let packages: Vec<String> = sizes.iter().map(|s| package(s)).collect();
        let estimate = format!(
            r#"{{"status": "success", "data": {{"packages_to_update": [{}]}}}}"#,
            packages.join(", ")
        );
        plugin(&dir, "tusize", "", &estimate, "exit 0");
        let what = format!("download sizes {sizes:?}");
        let out = bounded(
            sb.cmd(&["system", "check", "--only", "tusize", "--format", "json"]),
            &what,
        );
        no_crash(&out, &what);
        let doc = json_stdout(&out);
        let error = doc["updaters"][0]["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("tusize") && error.contains("download_size_bytes")
                || error.contains("tusize") && error.contains("no valid JSON"),
            "{what}: {doc:#}"
        );
        assert_eq!(
            doc["updaters"][0]["pending"],
            serde_json::json!([]),
            "{what}"
        );
    }
    // A download size at the cap is taken, and sizes are summed without overflow.
    let estimate = format!(
        r#"{{"status": "success", "data": {{"packages_to_update": [{}, {}]}}}}"#,
        package("1125899906842624"),
        package("1125899906842624")
    );
    plugin(&dir, "tusize", "", &estimate, "exit 0");
    let out = bounded(
        sb.cmd(&["system", "check", "--only", "tusize", "--format", "json"]),
        "at the cap",
    );
    no_crash(&out, "at the cap");
    let doc = json_stdout(&out);
    assert_eq!(
        doc["updaters"][0]["download_bytes"],
        2 * 1_125_899_906_842_624_u64,
        "{doc:#}"
    );

    // Progress lines with percentages at every extreme: shown clamped, never a crash.
    let progress = [
        "1e308",
        "-1e308",
        "1e400",
        "-0",
        "18446744073709551616",
        "\"x\"",
        "null",
    ]
    .iter()
    .map(|p| format!(r#"echo '{{"type": "progress", "percent": {p}, "message": "m"}}' >&2"#))
    .collect::<Vec<_>>()
    .join("; ");
    plugin(&dir, "tusize", "", ONE_PENDING, &progress);
    let out = bounded(
        sb.cmd(&["system", "update", "--yes", "--only", "tusize"]),
        "progress percentages",
    );
    no_crash(&out, "progress percentages");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
