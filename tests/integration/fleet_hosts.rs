//! `toolup fleet hosts`: hosts.toml, Ansible inventories in both forms,
//! selection by name, `@group`, ssh config alias and `--limit`, and the
//! errors a user sees — run as the real binary in a sandboxed HOME.

use std::path::PathBuf;

use crate::support::{Sandbox, json_stdout, stderr, stdout};

/// The same fleet twice: web01..web03 (a range) in `web`, db1 in `db`,
/// both under `prod`; vars on `all`, on `prod`, on `web` and on hosts.
const INI: &str = "\
# the fleet
bastion-1 ansible_ssh_host=192.0.2.1

[web]
web[01:03].example.com ansible_user=deploy
web02.example.com:2202

[db]
db1 ansible_host=192.0.2.10 ansible_user=postgres

[prod:children]
web
db

[prod:vars]
ansible_port=2200
ansible_user=ops
toolup_approval=required
toolup_maintenance=\"Sun 02:00-05:00, Mon,Wed 01:00-02:00\"

[web:vars]
ansible_ssh_private_key_file=/keys/web

[all:vars]
toolup_path=/opt/toolup/bin/toolup
";

const YAML: &str = "\
# the fleet
all:
  hosts:
    bastion-1:
      ansible_ssh_host: 192.0.2.1
  vars:
    toolup_path: /opt/toolup/bin/toolup
  children:
    prod:
      vars:
        ansible_port: 2200
        ansible_user: ops
        toolup_approval: required
        toolup_maintenance: [\"Sun 02:00-05:00\", \"Mon,Wed 01:00-02:00\"]
      children:
        web:
          hosts:
            web[01:03].example.com:
              ansible_user: deploy
            web02.example.com:
              ansible_port: 2202
          vars:
            ansible_ssh_private_key_file: /keys/web
        db:
          hosts:
            db1:
              ansible_host: 192.0.2.10
              ansible_user: postgres
";

fn write(sb: &Sandbox, name: &str, text: &str) -> PathBuf {
    let path = sb.root.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn hosts_toml(sb: &Sandbox, text: &str) -> PathBuf {
    let dir = sb.home.join(".config/toolup");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hosts.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The hosts of `fleet hosts … --format json`, without their origins
/// (which name the file), after checking it succeeded.
fn listed(sb: &Sandbox, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["fleet", "hosts", "--format", "json"];
    all.extend_from_slice(args);
    let out = sb.run(&all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let doc = json_stdout(&out);
    assert_eq!(doc["schema_version"], 1, "{doc:#}");
    doc["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let mut h = h.clone();
            h.as_object_mut().unwrap().remove("origin");
            h
        })
        .collect()
}

fn names(hosts: &[serde_json::Value]) -> Vec<&str> {
    hosts.iter().map(|h| h["name"].as_str().unwrap()).collect()
}

#[test]
fn an_ini_and_a_yaml_inventory_select_the_same_group_alike() {
    let sb = Sandbox::new();
    let ini = write(&sb, "inventory.ini", INI);
    // No extension: the YAML form is recognised from the text.
    let yaml = write(&sb, "inventory", YAML);
    let from_ini = listed(&sb, &["@prod", "--inventory", ini.to_str().unwrap()]);
    let from_yaml = listed(&sb, &["@prod", "--inventory", yaml.to_str().unwrap()]);
    assert_eq!(from_ini, from_yaml);
    assert_eq!(
        names(&from_ini),
        [
            "web01.example.com",
            "web02.example.com",
            "web03.example.com",
            "db1"
        ]
    );
    let web01 = &from_ini[0];
    assert_eq!(web01["address"], serde_json::Value::Null);
    assert_eq!(web01["user"], "deploy", "the host's own over prod's");
    assert_eq!(web01["port"], 2200, "from prod");
    assert_eq!(web01["identity"], "/keys/web");
    assert_eq!(web01["groups"], serde_json::json!(["prod", "web"]));
    assert_eq!(web01["approval_required"], true);
    assert_eq!(
        web01["maintenance"],
        serde_json::json!(["Sun 02:00-05:00", "Mon,Wed 01:00-02:00"])
    );
    assert_eq!(web01["toolup"], "/opt/toolup/bin/toolup", "from all");
    assert_eq!(from_ini[1]["port"], 2202);
    let db1 = &from_ini[3];
    assert_eq!(
        (&db1["address"], &db1["user"]),
        (
            &serde_json::json!("192.0.2.10"),
            &serde_json::json!("postgres")
        )
    );
    // Every host, in the order the files define them.
    let every = listed(&sb, &["--inventory", yaml.to_str().unwrap()]);
    assert_eq!(names(&every)[0], "bastion-1");
    assert_eq!(every[0]["address"], "192.0.2.1", "the older variable name");
    assert_eq!(every, listed(&sb, &["--inventory", ini.to_str().unwrap()]));
}

#[test]
fn the_table_shows_where_ssh_connects() {
    let sb = Sandbox::new();
    let ini = write(&sb, "inventory.ini", INI);
    let out = sb.run(&[
        "fleet",
        "hosts",
        "db1",
        "--inventory",
        ini.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("postgres@192.0.2.10:2200"), "{text}");
    assert!(
        text.contains("required (Sun 02:00-05:00, Mon,Wed 01:00-02:00)"),
        "{text}"
    );
    assert!(text.contains("inventory.ini:9"), "{text}");
}

#[test]
fn a_hosts_toml_error_names_file_line_and_field() {
    let sb = Sandbox::new();
    let file = hosts_toml(
        &sb,
        "[hosts.web1]\naddress = \"10.0.0.5\"\n\n[hosts.web2]\nport = 70000\n",
    );
    let out = sb.run(&["fleet", "hosts"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let expected = format!("{}:5: field `port`", file.display());
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    hosts_toml(&sb, "[hosts.web1]\nadress = \"10.0.0.5\"\n");
    let out = sb.run(&["fleet", "hosts"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("hosts.toml:2: field `adress`"),
        "{}",
        stderr(&out)
    );
}

const HOSTS_TOML: &str = "\
[groups.prod]
approval = \"required\"

[hosts.web01]
address = \"10.0.0.1\"
groups = [\"web\", \"prod\"]

[hosts.web02]
address = \"10.0.0.2\"
groups = [\"web\"]

[hosts.web03]
address = \"10.0.0.3\"
groups = [\"web\", \"prod\"]

[hosts.db1]
address = \"10.0.0.9\"
groups = [\"prod\"]
";

#[test]
fn a_group_selects_its_hosts() {
    let sb = Sandbox::new();
    hosts_toml(&sb, HOSTS_TOML);
    let web = listed(&sb, &["@web"]);
    assert_eq!(names(&web), ["web01", "web02", "web03"]);
    let mixed = listed(&sb, &["db1", "@web", "web01"]);
    assert_eq!(names(&mixed), ["web01", "web02", "web03", "db1"]);
}

#[test]
fn limit_narrows_and_excludes_as_ansible_does() {
    let sb = Sandbox::new();
    hosts_toml(&sb, HOSTS_TOML);
    let hosts = listed(&sb, &["--limit", "web:&prod:!web03"]);
    assert_eq!(names(&hosts), ["web01"]);
    assert_eq!(hosts[0]["approval_required"], true);
    assert_eq!(
        names(&listed(&sb, &["--limit", "db*,web02"])),
        ["web02", "db1"]
    );
    let out = sb.run(&["fleet", "hosts", "--limit", "web:&db1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("leaves no host"), "{}", stderr(&out));
}

#[test]
fn an_ssh_config_alias_is_a_host_ssh_resolves() {
    let sb = Sandbox::new();
    hosts_toml(&sb, HOSTS_TOML);
    let ssh = sb.home.join(".ssh");
    std::fs::create_dir_all(ssh.join("conf.d")).unwrap();
    std::fs::write(
        ssh.join("config"),
        "Host *\n  ServerAliveInterval 30\nInclude conf.d/*\n",
    )
    .unwrap();
    std::fs::write(
        ssh.join("conf.d/jump"),
        "Host bastion\n  HostName 192.0.2.7\n",
    )
    .unwrap();
    let out = sb.run(&["fleet", "hosts", "--format", "json", "bastion", "db1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json_stdout(&out);
    let hosts = doc["hosts"].as_array().unwrap();
    assert_eq!(names(hosts), ["db1", "bastion"]);
    assert_eq!(hosts[1]["address"], serde_json::Value::Null);
    assert_eq!(hosts[1]["origin"], "ssh config alias");
    // `[ssh] config` replaces ~/.ssh/config as the place aliases come from.
    std::fs::write(sb.root.join("fleet_ssh"), "Host lab-box\n").unwrap();
    hosts_toml(
        &sb,
        &format!(
            "[ssh]\nconfig = \"{}\"\n{HOSTS_TOML}",
            sb.root.join("fleet_ssh").display()
        ),
    );
    assert_eq!(names(&listed(&sb, &["lab-box"])), ["lab-box"]);
    let out = sb.run(&["fleet", "hosts", "bastion"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
}

#[test]
fn an_unknown_host_is_refused_with_a_suggestion() {
    let sb = Sandbox::new();
    hosts_toml(&sb, HOSTS_TOML);
    let out = sb.run(&["fleet", "hosts", "web1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("no host `web1` in the host list or the ssh config; did you mean web01?"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["fleet", "hosts", "@prdo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean prod?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn without_a_host_list_it_says_how_to_make_one() {
    let sb = Sandbox::new();
    let out = sb.run(&["fleet", "hosts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = format!(
        "no hosts yet: write {}",
        sb.home.join(".config/toolup/hosts.toml").display()
    );
    assert!(stdout(&out).starts_with(&expected), "{}", stdout(&out));
    assert!(stdout(&out).contains("--inventory FILE"));
    let out = sb.run(&["fleet", "hosts", "web1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("there is no host list"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_inventory_keeps_hosts_toml_s_ssh_section() {
    let sb = Sandbox::new();
    hosts_toml(
        &sb,
        "[ssh]\nconfig = \"~/.ssh/fleet_config\"\n[hosts.own]\n",
    );
    let ini = write(&sb, "inv.ini", "[web]\nw1\n");
    let out = sb.run(&["fleet", "hosts", "--inventory", ini.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("own"), "{text}");
    let expected = format!(
        "1 host, ssh config {}",
        sb.home.join(".ssh/fleet_config").display()
    );
    assert!(text.contains(&expected), "{text}");
}

#[test]
fn a_hostile_inventory_is_refused_naming_the_line() {
    let sb = Sandbox::new();
    let ini = write(&sb, "big.ini", "[web]\nw[0:99999]\n");
    let out = sb.run(&["fleet", "hosts", "--inventory", ini.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("big.ini:2: group `web`"),
        "{}",
        stderr(&out)
    );
    let yaml = write(
        &sb,
        "loop.yml",
        "a:\n  children:\n    b:\n      children:\n        a:\n",
    );
    let out = sb.run(&["fleet", "hosts", "--inventory", yaml.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("loop.yml:5: group `b`: children loop back: b -> a -> b"),
        "{}",
        stderr(&out)
    );
}

/// The first fenced block of `lang` in docs/fleet.md after `after`.
fn doc_block(lang: &str, after: &str) -> String {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/fleet.md")).unwrap();
    let from = doc
        .find(after)
        .unwrap_or_else(|| panic!("docs/fleet.md has no {after:?}"));
    let open = format!("```{lang}\n");
    let start = doc[from..].find(&open).unwrap() + from + open.len();
    let end = doc[start..].find("```").unwrap() + start;
    doc[start..end].to_owned()
}

#[test]
fn the_documented_examples_read_as_documented() {
    let sb = Sandbox::new();
    let ini = write(&sb, "doc.ini", &doc_block("ini", "## Ansible inventories"));
    let yaml = write(&sb, "doc.yml", &doc_block("yaml", "## Ansible inventories"));
    let from_ini = listed(&sb, &["--inventory", ini.to_str().unwrap()]);
    assert_eq!(from_ini.len(), 5, "{from_ini:#?}");
    assert_eq!(
        from_ini,
        listed(&sb, &["--inventory", yaml.to_str().unwrap()])
    );
    hosts_toml(&sb, &doc_block("toml", "## Hosts (hosts.toml)"));
    let hosts = listed(&sb, &[]);
    assert_eq!(names(&hosts), ["web1", "db1"]);
    assert_eq!(hosts[1]["user"], "deploy", "from [groups.all]");
    assert_eq!(hosts[1]["approval_required"], true, "from [groups.prod]");
}
