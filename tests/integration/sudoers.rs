//! `toolup system sudoers` against hostile plugin paths, relative and empty
//! PATH entries and hostile user names: the drop-in passes `visudo -c`,
//! and — read back the way sudoers reads it — grants exactly the argvs
//! `system update` runs behind `sudo -n` (seen by a fake `sudo`), and
//! nothing else.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::{Sandbox, stderr, stdout};

/// One command a drop-in grants: the program, then its exact arguments or
/// a regular expression over all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Granted {
    program: String,
    args: Args,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Args {
    Exact(Vec<String>),
    Regex(String),
}

impl Granted {
    fn allows(&self, argv: &[String]) -> bool {
        let Some((program, args)) = argv.split_first() else {
            return false;
        };
        *program == self.program
            && match &self.args {
                Args::Exact(exact) => args == exact.as_slice(),
                Args::Regex(re) => regex::Regex::new(re).unwrap().is_match(&args.join(" ")),
            }
    }
}

/// The commands `user` is granted by `text`, read as sudoers reads them:
/// lines continued by `\`, commands split at unescaped commas, words at
/// unescaped blanks, `\x` read as `x`, `""` as no arguments, arguments
/// starting with `^` as one regular expression up to the final `$`.
fn parse_drop_in(text: &str, user: &str) -> Vec<Granted> {
    let mut joined = String::new();
    for line in text.lines() {
        if joined.is_empty() && line.starts_with('#') {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) if !head.ends_with('\\') || head.ends_with("\\\\") => {
                joined.push_str(head);
            }
            _ => {
                joined.push_str(line);
                joined.push('\n');
            }
        }
    }
    let rules: Vec<&str> = joined.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(rules.len(), 1, "one rule: {rules:?}");
    let prefix = format!("{user} ALL=(root) NOPASSWD: ");
    let body = rules[0]
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{:?} does not start with {prefix:?}", rules[0]));
    // Split at unescaped commas (a regular expression here holds none).
    let mut commands = vec![String::new()];
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().expect("a backslash escapes something");
                commands.last_mut().unwrap().extend(['\\', next]);
            }
            ',' => commands.push(String::new()),
            c => commands.last_mut().unwrap().push(c),
        }
    }
    commands
        .iter()
        .map(|raw| {
            let raw = raw.trim();
            // Words at unescaped blanks, unescaped.
            let mut words: Vec<(String, usize)> = Vec::new();
            let mut current = String::new();
            let mut start = 0;
            let mut chars = raw.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => current.push(chars.next().unwrap().1),
                    ' ' | '\t' => {
                        if !current.is_empty() {
                            words.push((std::mem::take(&mut current), start));
                        }
                        start = i + 1;
                    }
                    c => {
                        if current.is_empty() {
                            start = i;
                        }
                        current.push(c)
                    }
                }
            }
            if !current.is_empty() {
                words.push((current, start));
            }
            let (program, _) = words[0].clone();
            assert!(program.starts_with('/'), "{raw}: {program}");
            let args = match words.get(1) {
                Some((first, at)) if first.starts_with('^') => {
                    let re = &raw[*at..];
                    assert!(re.ends_with('$'), "{re}");
                    Args::Regex(re.to_owned())
                }
                Some((first, _)) if first == "\"\"" && words.len() == 2 => Args::Exact(Vec::new()),
                _ => Args::Exact(words[1..].iter().map(|(w, _)| w.clone()).collect()),
            };
            Granted { program, args }
        })
        .collect()
}

/// Whether the machine's sudo (or visudo) reads `^…$` arguments as a
/// regular expression (1.9.10 on).
fn sudo_has_regex() -> bool {
    for (program, prefix) in [
        ("/usr/bin/sudo", "Sudo version "),
        ("/usr/sbin/visudo", "visudo version "),
    ] {
        let Ok(out) = std::process::Command::new(program).arg("-V").output() else {
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if let Some(v) = text.lines().find_map(|l| l.strip_prefix(prefix)) {
            let n: Vec<u32> = v
                .split('.')
                .map(|p| {
                    p.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0)
                })
                .collect();
            return (n[0], n[1], n.get(2).copied().unwrap_or(0)) >= (1, 9, 10);
        }
    }
    false
}

fn visudo_accepts(text: &str) -> Result<(), String> {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    let out = std::process::Command::new("/usr/sbin/visudo")
        .args(["-c", "-f"])
        .arg(file.path())
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", stdout(&out), stderr(&out)))
    }
}

/// A plugin needing root, with a separate download, one package pending,
/// its executable at `path` (made, however hostile the directories).
fn root_plugin(sb: &Sandbox, name: &str, path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    sb.script(
        path.parent().unwrap(),
        path.file_name().unwrap().to_str().unwrap(),
        r#"case "$1" in
  is-applicable|does-require-sudo|can-separate-download|download|update) exit 0 ;;
  estimate-update) echo '{"status": "success", "data": {"packages_to_update": [{"name": "w", "current_version": "1", "new_version": "2"}]}}' ;;
  version) echo 1.0 ;;
  *) exit 0 ;;
esac"#,
    );
    let dir = sb.home.join(".config/toolup/plugins.d");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.toml")),
        format!(
            "name = {name:?}\nexecutable = {:?}\n",
            path.to_str().unwrap()
        ),
    )
    .unwrap();
}

/// Runs toolup as a user other than root (nobody, when the tests run as
/// root), so what needs root goes through `sudo -n`.
fn run_unprivileged(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut cmd = sb.cmd(args);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        std::os::unix::process::CommandExt::uid(&mut cmd, 65534);
        std::os::unix::process::CommandExt::gid(&mut cmd, 65534);
    }
    cmd.output().unwrap()
}

/// Everything under `dir` owned by nobody (when root), so an unprivileged
/// toolup can keep its state there.
fn give_away(dir: &Path) {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    std::os::unix::fs::chown(dir, Some(65534), Some(65534)).unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && !path.is_symlink() {
            give_away(&path);
        } else {
            std::os::unix::fs::lchown(&path, Some(65534), Some(65534)).unwrap();
        }
    }
}

#[test]
fn the_drop_in_grants_exactly_what_runs_behind_sudo_and_nothing_else() {
    let mut sb = Sandbox::new();
    // apt with one security update pending; a copy of its apt-get behind
    // a relative and an empty PATH entry, which come first (and a zypper
    // found only there): neither may be granted or run as root.
    let apt_get_body = "if [ \"$1\" = -s ]; then echo 'Inst libssl3 [3.0.11] (3.0.15 Debian-Security:12/stable-security [amd64])'; echo 'Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])'; fi\nexit 0";
    let relbin = sb.root.join("relbin");
    sb.script(&relbin, "apt-get", apt_get_body);
    sb.script(&relbin, "zypper", "exit 0");
    sb.script(&sb.root, "apt-get", apt_get_body);
    let bin = sb.bin.clone();
    sb.path = vec![PathBuf::from("relbin"), PathBuf::new(), bin.clone()];
    let sudo_log = sb.root.join("sudo.log");
    sb.script(&bin, "apt-get", apt_get_body);
    sb.script(&bin, "apt", "exit 0");
    sb.script(&bin, "dpkg", "exit 0");
    // A sudo that writes down what it is asked to run, then runs it.
    // Each call's record in one write: the update's jobs call sudo side
    // by side, and lines written one by one interleaved under load.
    sb.script(
        &bin,
        "sudo",
        &format!(
            "if [ \"$1\" = -V ]; then exec /usr/bin/sudo -V; fi\nr=''; for a in \"$@\"; do r=\"$r$a\n\"; done\nprintf '%s----\\n' \"$r\" >> {log}\n[ \"$1\" = -n ] && shift\nexec \"$@\"",
            log = sudo_log.display()
        ),
    );
    std::fs::write(&sudo_log, "").unwrap();
    std::fs::set_permissions(&sudo_log, std::fs::Permissions::from_mode(0o666)).unwrap();
    // Plugins whose paths say more than a path to sudoers.
    let hostile = sb.root.join("hostile");
    let plugins: Vec<(&str, PathBuf)> = vec![
        ("tucomma", hostile.join("p, ALL, /y/plug")),
        ("tuall", hostile.join("q ALL/plug")),
        ("tuspace", hostile.join("with space/my plug")),
        ("tumeta", hostile.join("x=y:z#w/plug")),
        ("tustar", hostile.join("st*ar/plug")),
    ];
    for (name, path) in &plugins {
        root_plugin(&sb, name, path);
    }
    let only = "apt,zypper,tucomma,tuall,tuspace,tumeta,tustar";

    let out = sb.run(&["system", "sudoers", "--user", "alice", "--only", only]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let err = stderr(&out);
    assert!(!text.contains('*') || !text.contains("st*ar"), "{text}");
    assert!(
        err.contains("tustar: its path") && err.contains("left out"),
        "a path sudoers would read as a pattern is refused: {err}"
    );
    // zypper is found only through a relative entry: toolup never finds a
    // program there (`Host::which`), so it does not even apply.
    assert!(
        !text.contains("relbin") && !text.contains("zypper"),
        "{text}"
    );
    if Path::new("/usr/sbin/visudo").exists() {
        visudo_accepts(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert!(err.contains("checked with visudo -c"), "{err}");
    }
    let granted = parse_drop_in(&text, "alice");
    let apt_get = bin.join("apt-get").display().to_string();
    let exact = |program: &str, args: &[&str]| Granted {
        program: program.to_owned(),
        args: Args::Exact(args.iter().map(|a| (*a).to_owned()).collect()),
    };
    let mut expected = vec![
        exact(&apt_get, &["update"]),
        exact(&apt_get, &["--yes", "--download-only", "dist-upgrade"]),
        exact(&apt_get, &["--yes", "dist-upgrade"]),
        exact(
            &bin.join("dpkg").display().to_string(),
            &["--configure", "-a"],
        ),
    ];
    if sudo_has_regex() {
        expected.push(Granted {
            program: apt_get.clone(),
            args: Args::Regex("^install --yes --only-upgrade( [a-z0-9][a-z0-9+.-]+)+$".to_owned()),
        });
    } else {
        assert!(
            err.contains("apt: its security-only update is not granted"),
            "{err}"
        );
    }
    for (name, path) in &plugins {
        if *name != "tustar" {
            let program = path.display().to_string();
            expected.push(exact(&program, &["download"]));
            expected.push(exact(&program, &["update"]));
        }
    }
    let sorted = |v: &[Granted]| {
        let mut v: Vec<String> = v.iter().map(|g| format!("{g:?}")).collect();
        v.sort();
        v
    };
    assert_eq!(sorted(&granted), sorted(&expected), "{text}");

    // What `system update` runs behind `sudo -n`, unprivileged: the
    // security-only update, the full one, each plugin's.
    std::fs::set_permissions(&sb.root, std::fs::Permissions::from_mode(0o755)).unwrap();
    give_away(&sb.home);
    let security = run_unprivileged(
        &sb,
        &[
            "system",
            "update",
            "--yes",
            "--only",
            "apt",
            "--security-only",
        ],
    );
    assert!(security.status.success(), "{}", stderr(&security));
    let full = run_unprivileged(
        &sb,
        &[
            "system",
            "update",
            "--yes",
            "--only",
            "apt,tucomma,tuall,tuspace,tumeta,tustar",
        ],
    );
    let log = std::fs::read_to_string(&sudo_log).unwrap();
    let ran: Vec<Vec<String>> = log
        .split("----\n")
        .filter(|r| !r.is_empty())
        .map(|r| r.lines().map(str::to_owned).collect())
        .collect();
    let mut seen = Vec::new();
    for argv in &ran {
        assert_eq!(argv[0], "-n", "{argv:?}");
        let command = &argv[1..];
        let allowed: Vec<&Granted> = granted.iter().filter(|g| g.allows(command)).collect();
        if command[0].contains("st*ar") {
            assert!(allowed.is_empty(), "refused, so not granted: {command:?}");
            continue;
        }
        assert_eq!(
            allowed.len(),
            1,
            "{command:?} is granted once: {granted:#?}"
        );
        seen.push(allowed[0].clone());
    }
    assert!(
        ran.iter().any(|a| a[1..]
            == [
                apt_get.clone(),
                "install".into(),
                "--yes".into(),
                "--only-upgrade".into(),
                "libssl3".into()
            ]),
        "the security-only update ran exactly its package: {ran:?}\n{}",
        stderr(&security)
    );
    assert!(
        ran.iter().any(|a| a[1].contains("st*ar")),
        "the refused plugin still ran (and sudo would refuse it): {ran:?}\n{}",
        stderr(&full)
    );
    // And every grant is one of them, but for what runs only as root
    // (`system check --refresh`) or after a half-done dpkg.
    for g in &granted {
        let root_only = *g == expected[0] || *g == expected[3];
        assert!(
            root_only || seen.contains(g),
            "{g:?} granted but never run: {ran:?}"
        );
    }
    // Hostile names of the user are refused before anything is printed.
    for user in ["ALL", "ADMINS", "bob;rm", "%wheel", "a b", "#0"] {
        let out = sb.run(&["system", "sudoers", "--user", user, "--only", "apt"]);
        assert_eq!(out.status.code(), Some(2), "{user}: {}", stdout(&out));
        assert!(stdout(&out).is_empty(), "{user}");
    }
}
