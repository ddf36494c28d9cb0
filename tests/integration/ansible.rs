//! The Ansible collection in `contrib/ansible` (`toolup.fleet`), driven by
//! the real `ansible-playbook` over real ssh against three simulated hosts
//! (`sshd_hosts`): its example playbooks check what each host's own updater
//! plugin has pending, update it once (not at all under `--check`), and
//! find nothing left afterwards.
//!
//! The controller's side is the test's own: an INI inventory, `-F` the
//! fleet's ssh config (its known_hosts holds the hosts' real keys, and host
//! key checking stays on), `ANSIBLE_HOME` and the working directory in the
//! test's directory; the machine's `~/.ssh` and `~/.ansible` are not used.
//! Needs root, sshd and `ansible-playbook` (`.ci/run` installs Debian's
//! ansible-core and openssh-server); without them it says `skipped: …`,
//! or fails under `CI=true` naming what to install.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::sshd_hosts::{TestFleet, TestHost};
use crate::support::{stderr, stdout};

/// One pending update a host's plugin reports: name, from, to, security.
type Item = (&'static str, &'static str, &'static str, bool);

/// What each host's `widgets` plugin has pending: a different list each.
const PENDING: &[(&str, &[Item])] = &[
    ("h1", &[("widget", "1.0", "1.1", false)]),
    (
        "h2",
        &[
            ("widget", "1.0", "1.2", false),
            ("gadget", "2.0", "2.1", true),
        ],
    ),
    (
        "h3",
        &[
            ("gizmo", "0.9", "1.0", false),
            ("sprocket", "3.1", "3.2", true),
            ("cog", "7", "8", false),
        ],
    ),
];

/// Gives `host` an updater plugin `widgets` that reports `items` pending
/// until its update has run once; each update appends a line to
/// `~/widgets.updates`. Shell builtins only: the host's PATH is small.
fn widgets_plugin(host: &TestHost, items: &[Item]) {
    let home = host.home.display();
    let packages: Vec<String> = items
        .iter()
        .map(|(name, from, to, security)| {
            format!(
                r#"{{"name": "{name}", "current_version": "{from}", "new_version": "{to}", "security": {security}}}"#
            )
        })
        .collect();
    let pending = format!(
        r#"{{"status": "success", "data": {{"packages_to_update": [{}], "security_updates": {}}}}}"#,
        packages.join(", "),
        items.iter().any(|i| i.3)
    );
    let none =
        r#"{"status": "success", "data": {"packages_to_update": [], "security_updates": false}}"#;
    let executable = host.script(
        "widgets-plugin",
        &format!(
            "case \"$1\" in\n\
             \x20 is-applicable) exit 0 ;;\n\
             \x20 estimate-update) if [ -e {home}/widgets.updated ]; then echo '{none}'; else echo '{pending}'; fi ;;\n\
             \x20 can-separate-download) exit 1 ;;\n\
             \x20 update) echo updated >> {home}/widgets.updates; : > {home}/widgets.updated ;;\n\
             \x20 does-require-sudo) exit 1 ;;\n\
             \x20 version) echo 0.1.0 ;;\n\
             \x20 *) echo \"unknown command $1\" >&2; exit 127 ;;\n\
             esac"
        ),
    );
    host.write(
        ".config/toolup/plugins.d/widgets.toml",
        &format!(
            "name = \"widgets\"\nexecutable = \"{}\"\ndescription = \"the test's updater\"\n",
            executable.display()
        ),
    );
}

/// How many times the host's plugin updated.
fn updates(host: &TestHost) -> usize {
    std::fs::read_to_string(host.home.join("widgets.updates"))
        .unwrap_or_default()
        .lines()
        .count()
}

/// `ansible-playbook` on PATH.
fn ansible_playbook() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("ansible-playbook"))
            .find(|p| p.is_file())
    })
}

/// The controller: inventory, settings and where the playbooks' reports go.
struct Controller {
    playbook: PathBuf,
    dir: PathBuf,
    inventory: PathBuf,
    reports: PathBuf,
}

impl Controller {
    fn new(fleet: &TestFleet, playbook: PathBuf) -> Controller {
        let dir = fleet.root.join("ansible");
        let reports = dir.join("reports");
        std::fs::create_dir_all(&reports).unwrap();
        let mut inventory = String::from("[fleet]\n");
        for host in &fleet.hosts {
            inventory.push_str(&format!(
                "{} ansible_host={} ansible_port={} ansible_user={}\n",
                host.name, host.address, host.port, host.user
            ));
        }
        inventory.push_str(&format!(
            "\n[fleet:vars]\nansible_python_interpreter=/usr/bin/python3\nansible_ssh_common_args='-F {}'\n",
            fleet.ssh_config.display()
        ));
        let path = dir.join("hosts.ini");
        std::fs::write(&path, inventory).unwrap();
        // The reports are copied to the controller over the local connection,
        // whose temp files would go to the user's ~/.ansible/tmp.
        std::fs::create_dir_all(dir.join("host_vars")).unwrap();
        std::fs::write(
            dir.join("host_vars/localhost.yml"),
            format!("ansible_remote_tmp: {}\n", dir.join("local_tmp").display()),
        )
        .unwrap();
        // The settings, in a file of the test's own so no other is read.
        std::fs::write(
            dir.join("ansible.cfg"),
            format!(
                "[defaults]\nhome = {}\nhost_key_checking = True\nretry_files_enabled = False\nnocolor = True\n\n\
                 [ssh_connection]\n\
                 # modules go over ssh's stdin: the simulated hosts have no sftp subsystem\n\
                 pipelining = True\n\
                 # one ssh per task: no ControlPersist master outliving the test\n\
                 ssh_args = -o ControlMaster=no\n",
                dir.join("home").display()
            ),
        )
        .unwrap();
        Controller {
            playbook,
            dir,
            inventory: path,
            reports,
        }
    }

    /// Runs the collection's playbook `name` (`check`, `update`) with these
    /// extra variables (JSON) and more arguments; each host's result is
    /// read back from the report the playbook writes on the controller.
    fn run(&self, name: &str, vars: Value, more: &[&str]) -> (Output, Vec<(String, Value)>) {
        for entry in std::fs::read_dir(&self.reports).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        let mut vars = vars;
        vars["toolup_report_dir"] = Value::from(self.reports.display().to_string());
        let mut cmd = Command::new(&self.playbook);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("ANSIBLE_") {
                cmd.env_remove(key);
            }
        }
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        cmd.current_dir(&self.dir)
            .arg("-i")
            .arg(&self.inventory)
            .arg(format!("toolup.fleet.{name}"))
            .arg("-e")
            .arg(vars.to_string())
            .args(more)
            .env("ANSIBLE_COLLECTIONS_PATH", repo.join("contrib/ansible"))
            .env("ANSIBLE_CONFIG", self.dir.join("ansible.cfg"))
            .env("HOME", self.dir.join("home"))
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8");
        let out = cmd.output().expect("run ansible-playbook");
        let mut results = Vec::new();
        for entry in std::fs::read_dir(&self.reports).unwrap() {
            let path = entry.unwrap().path();
            let host = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let value: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            results.push((host, value));
        }
        results.sort_by(|a, b| a.0.cmp(&b.0));
        (out, results)
    }
}

/// Both streams of a playbook run, for a failed assertion.
fn said(out: &Output) -> String {
    format!("{}\n{}", stdout(out), stderr(out))
}

/// The host's flattened `pending` list as (updater, name, from, to, security).
fn pending_of(result: &Value) -> Vec<(String, String, String, String, bool)> {
    result["pending"]
        .as_array()
        .unwrap_or_else(|| panic!("no pending list: {result}"))
        .iter()
        .map(|p| {
            (
                p["updater"].as_str().unwrap().to_owned(),
                p["name"].as_str().unwrap().to_owned(),
                p["from"].as_str().unwrap().to_owned(),
                p["to"].as_str().unwrap().to_owned(),
                p["security"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_collection_checks_and_updates_three_hosts_with_ansible_playbook() {
    let Some(fleet) = TestFleet::start(&["h1", "h2", "h3"]) else {
        return;
    };
    let Some(playbook) = ansible_playbook() else {
        crate::support::missing(
            "ansible-playbook is not on PATH (apt-get install ansible-core; .ci/run does)",
        );
        return;
    };
    for (name, items) in PENDING {
        widgets_plugin(fleet.host(name), items);
    }
    let ansible = Controller::new(&fleet, playbook);
    let hosts: Vec<String> = PENDING.iter().map(|(h, _)| (*h).to_owned()).collect();
    let names = |results: &[(String, Value)]| -> Vec<String> {
        results.iter().map(|(h, _)| h.clone()).collect()
    };

    // The check: each host's own pending list comes back; nothing changes.
    let (out, results) = ansible.run("check", serde_json::json!({}), &[]);
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(names(&results), hosts, "{}", said(&out));
    for ((host, result), (_, items)) in results.iter().zip(PENDING) {
        let expected: Vec<(String, String, String, String, bool)> = items
            .iter()
            .map(|(name, from, to, security)| {
                (
                    "widgets".to_owned(),
                    (*name).to_owned(),
                    (*from).to_owned(),
                    (*to).to_owned(),
                    *security,
                )
            })
            .collect();
        assert_eq!(pending_of(result), expected, "{host}: {result}");
        assert_eq!(result["changed"], false, "{host}: {result}");
        assert_eq!(result["schema_version"], 1, "{host}: {result}");
        assert_eq!(result["pending_count"], items.len(), "{host}: {result}");
        assert_eq!(
            result["security_count"],
            items.iter().filter(|i| i.3).count(),
            "{host}: {result}"
        );
        assert_eq!(
            result["cmd"].as_array().unwrap()[1..],
            ["system", "check", "--format", "json"],
            "{host}: {result}"
        );
    }
    // The summary names every host's count.
    assert!(
        stdout(&out).contains("h3: 3 pending, 1 security"),
        "{}",
        said(&out)
    );

    // A toolup that is not there is named with the fix; the check playbook
    // fails no host for it.
    let (out, results) = ansible.run(
        "check",
        serde_json::json!({"toolup_path": "no-such-toolup"}),
        &["--limit", "h1"],
    );
    assert!(out.status.success(), "{}", said(&out));
    let msg = results[0].1["msg"].as_str().unwrap_or_default();
    assert!(
        results[0].1["failed"] == true
            && msg.contains("no-such-toolup not found on")
            && msg.contains("PATH")
            && msg.contains("set the module's `toolup` option"),
        "{}",
        results[0].1
    );

    // Check mode: a dry run says what would change and updates nothing.
    let (out, results) = ansible.run("update", serde_json::json!({}), &["--check"]);
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(names(&results), hosts, "{}", said(&out));
    for (host, result) in &results {
        assert_eq!(result["changed"], true, "{host}: {result}");
        assert_eq!(result["dry_run"], true, "{host}: {result}");
        assert_eq!(
            result["would_update"],
            serde_json::json!(["widgets"]),
            "{host}: {result}"
        );
        assert!(
            result["cmd"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "--dry-run"),
            "{result}"
        );
        assert_eq!(updates(fleet.host(host)), 0, "{host} updated in check mode");
    }

    // The update, in batches: each host's plugin updates exactly once.
    let (out, results) = ansible.run("update", serde_json::json!({}), &[]);
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(names(&results), hosts, "{}", said(&out));
    for ((host, result), (_, items)) in results.iter().zip(PENDING) {
        assert_eq!(result["changed"], true, "{host}: {result}");
        assert_eq!(
            result["updated"],
            serde_json::json!(["widgets"]),
            "{host}: {result}"
        );
        let widgets = result["updaters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["updater"] == "widgets")
            .unwrap_or_else(|| panic!("{host}: {result}"));
        assert_eq!(widgets["outcome"], "ok", "{host}: {result}");
        assert_eq!(widgets["pending"], items.len(), "{host}: {result}");
        assert_eq!(widgets["phases"][0]["phase"], "update", "{host}: {result}");
        let events = result["events"].as_array().unwrap();
        assert!(
            events.iter().any(|e| e["event"] == "check-finished")
                && events.iter().any(|e| e["event"] == "finished"
                    && e["job"] == "widgets"
                    && e["outcome"] == "ok"),
            "{host}: {result}"
        );
        assert_eq!(updates(fleet.host(host)), 1, "{host}");
    }

    // Afterwards nothing is pending, and a second update changes nothing.
    let (out, results) = ansible.run("check", serde_json::json!({}), &[]);
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(names(&results), hosts, "{}", said(&out));
    for (host, result) in &results {
        assert_eq!(pending_of(result), vec![], "{host}: {result}");
    }
    let (out, results) = ansible.run(
        "update",
        serde_json::json!({"toolup_skip": ["toolup"], "toolup_serial": 3}),
        &[],
    );
    assert!(out.status.success(), "{}", said(&out));
    assert_eq!(names(&results), hosts, "{}", said(&out));
    for (host, result) in &results {
        assert_eq!(result["changed"], false, "{host}: {result}");
        assert_eq!(result["updated"], serde_json::json!([]), "{host}: {result}");
        assert!(
            result["cmd"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "--skip"),
            "{result}"
        );
        assert_eq!(updates(fleet.host(host)), 1, "{host}");
    }
}
