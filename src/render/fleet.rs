//! `toolup fleet hosts`: the hosts a fleet command would reach, as a
//! table, JSON or Markdown — each host's name, where ssh connects
//! (`user@address:port`), its groups, whether updates need approval and
//! in which windows they do not, the remote toolup, and where the host
//! was defined.

use tabled::builder::Builder;

use crate::fleet::{FleetHost, Selected};

/// `fleet hosts --format json`.
pub fn hosts_document(selected: &Selected) -> serde_json::Value {
    serde_json::json!({"schema_version": 1, "hosts": selected.hosts})
}

/// What to do when there is no host list at all.
pub fn no_host_list(selected: &Selected) -> String {
    let file = selected.hosts_file.as_ref().map_or_else(
        || "hosts.toml in toolup's config dir".to_owned(),
        |f| f.display().to_string(),
    );
    format!(
        "no hosts yet: write {file}, a [hosts.NAME] table per host:\n\n  [hosts.web1]\n  address = \"10.0.0.5\"\n  user = \"deploy\"\n  groups = [\"web\"]\n\nor pass --inventory FILE (an Ansible inventory, INI or YAML); a host in your ssh config can be named directly (toolup fleet hosts ALIAS). See docs/fleet.md.\n"
    )
}

/// The hosts as a table fitted to the terminal, then how many.
pub fn hosts_table(selected: &Selected) -> String {
    if !selected.defined && selected.hosts.is_empty() {
        return no_host_list(selected);
    }
    let mut builder = Builder::default();
    builder.push_record(["HOST", "ADDRESS", "GROUPS", "APPROVAL", "TOOLUP", "ORIGIN"]);
    for host in &selected.hosts {
        builder.push_record(row(host));
    }
    let table = super::fit_with(
        builder,
        super::terminal_width(),
        super::layout::Layout {
            shrink: vec![2, 3, 5],
            drop: vec![5, 4],
            group: None,
            under: Some(3),
            argv: vec![],
        },
    );
    format!("{table}\n{}\n", summary(selected))
}

/// The hosts as Markdown.
pub fn hosts_markdown(selected: &Selected) -> String {
    if !selected.defined && selected.hosts.is_empty() {
        return no_host_list(selected);
    }
    let mut out = format!(
        "## Fleet hosts\n\n{}\n\n| Host | Address | Groups | Approval | Toolup | Origin |\n|---|---|---|---|---|---|\n",
        summary(selected)
    );
    for host in &selected.hosts {
        let cells: Vec<String> = row(host).iter().map(|c| escape(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// One host's cells.
fn row(host: &FleetHost) -> [String; 6] {
    let groups = if host.groups.is_empty() {
        "-".to_owned()
    } else {
        host.groups.join(", ")
    };
    [
        host.name.clone(),
        host.destination(),
        groups,
        approval(host),
        host.toolup.clone().unwrap_or_else(|| "toolup".to_owned()),
        host.origin.clone(),
    ]
}

/// `required (Sun 02:00-05:00, …)`, `none`: whether updates wait for
/// `--approve` outside the maintenance windows, and the windows.
fn approval(host: &FleetHost) -> String {
    let word = if host.approval_required {
        "required"
    } else {
        "none"
    };
    if host.maintenance.is_empty() {
        word.to_owned()
    } else {
        format!("{word} ({})", host.maintenance.join(", "))
    }
}

/// "N hosts", and the ssh config they are reached through.
fn summary(selected: &Selected) -> String {
    let n = selected.hosts.len();
    let mut out = format!("{n} host{}", if n == 1 { "" } else { "s" });
    if let Some(config) = &selected.ssh_config {
        out.push_str(&format!(", ssh config {}", config.display()));
    }
    out
}

/// A cell that cannot break a Markdown table.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn selected() -> Selected {
        let mut web = FleetHost::named("web1", "/c/hosts.toml:9");
        web.address = Some("10.0.0.5".into());
        web.user = Some("deploy".into());
        web.port = Some(2222);
        web.groups = vec!["prod".into(), "web".into()];
        web.approval_required = true;
        web.maintenance = vec!["Sun 02:00-05:00".into()];
        web.toolup = Some("/usr/local/bin/toolup".into());
        Selected {
            hosts: vec![web, FleetHost::named("bastion", "ssh config alias")],
            ssh_config: Some(PathBuf::from("/home/me/.ssh/fleet_config")),
            hosts_file: Some(PathBuf::from("/c/hosts.toml")),
            defined: true,
        }
    }

    #[test]
    fn the_table_shows_where_ssh_connects_and_how_updates_are_approved() {
        let text = hosts_table(&selected());
        assert!(text.contains("deploy@10.0.0.5:2222"), "{text}");
        assert!(text.contains("required (Sun 02:00-05:00)"), "{text}");
        assert!(text.contains("prod, web") && text.contains("/usr/local/bin/toolup"));
        assert!(text.contains("ssh config alias"), "{text}");
        assert!(
            text.ends_with("2 hosts, ssh config /home/me/.ssh/fleet_config\n"),
            "{text}"
        );
    }

    #[test]
    fn json_and_markdown_carry_the_same_hosts() {
        let doc = hosts_document(&selected());
        assert_eq!(doc["schema_version"], 1);
        assert_eq!(doc["hosts"][0]["port"], 2222);
        assert_eq!(doc["hosts"][1]["address"], serde_json::Value::Null);
        let md = hosts_markdown(&selected());
        assert!(
            md.contains("| web1 | deploy@10.0.0.5:2222 | prod, web | required (Sun 02:00-05:00) |"),
            "{md}"
        );
    }

    #[test]
    fn no_host_list_says_how_to_make_one() {
        let none = Selected {
            hosts: vec![],
            ssh_config: None,
            hosts_file: Some(PathBuf::from("/c/hosts.toml")),
            defined: false,
        };
        let text = hosts_table(&none);
        assert!(
            text.starts_with("no hosts yet: write /c/hosts.toml"),
            "{text}"
        );
        assert!(text.contains("--inventory FILE"), "{text}");
    }
}
