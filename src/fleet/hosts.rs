//! The fleet's model (`FleetHost`, `Fleet`) and toolup's own host list,
//! `hosts.toml` in the config dir:
//!
//! ```toml
//! [ssh]
//! config = "~/.ssh/fleet_config"      # passed to ssh as -F
//! [groups.prod]                       # defaults for the group's hosts
//! approval = "required"
//! [hosts.web1]
//! address = "10.0.0.5"
//! groups = ["web", "prod"]
//! ```
//!
//! A host's own values override its groups' (`all` first, then the others
//! alphabetically, a later group winning). Unknown keys are errors, and
//! every error names the file, the line and the field.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::checks;
use super::error::FleetError;

/// The file's name in the config dir.
pub const FILE_NAME: &str = "hosts.toml";

/// The largest host list read, inventories included: a bigger file is
/// refused rather than read.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The most hosts one list may define (after ranges are expanded).
pub const MAX_HOSTS: usize = 10_000;

/// One host as ssh will reach it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FleetHost {
    pub name: String,
    /// None: ssh resolves the name itself (a ~/.ssh/config alias, DNS).
    pub address: Option<String>,
    pub user: Option<String>,
    pub port: Option<u16>,
    pub identity: Option<PathBuf>,
    /// Sorted; without `all`/`ungrouped`.
    pub groups: Vec<String>,
    pub approval_required: bool,
    /// Window texts as written ("Sun 02:00-05:00"); parsed and validated at load.
    pub maintenance: Vec<String>,
    /// The remote toolup's path, when not `toolup` on the remote PATH.
    pub toolup: Option<String>,
    /// Where it was defined: "FILE:LINE".
    pub origin: String,
}

impl FleetHost {
    /// A host known by name alone (an ssh config alias): ssh resolves the rest.
    pub fn named(name: &str, origin: &str) -> FleetHost {
        FleetHost {
            name: name.to_owned(),
            address: None,
            user: None,
            port: None,
            identity: None,
            groups: Vec::new(),
            approval_required: false,
            maintenance: Vec::new(),
            toolup: None,
            origin: origin.to_owned(),
        }
    }

    /// Where ssh connects, as `user@address:port` (the parts that are set;
    /// the name when there is no address; an IPv6 address in brackets
    /// before a port).
    pub fn destination(&self) -> String {
        let host = self.address.as_deref().unwrap_or(&self.name);
        let mut out = self
            .user
            .as_ref()
            .map_or_else(String::new, |u| format!("{u}@"));
        match self.port {
            Some(port) if host.contains(':') => out.push_str(&format!("[{host}]:{port}")),
            Some(port) => out.push_str(&format!("{host}:{port}")),
            None => out.push_str(host),
        }
        out
    }
}

/// The hosts of a host list, their groups, and the ssh config to use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fleet {
    /// In definition order.
    pub hosts: Vec<FleetHost>,
    /// Group → host names, children flattened; `all` and `ungrouped` included.
    pub groups: BTreeMap<String, BTreeSet<String>>,
    /// `[ssh] config`, passed to ssh as -F.
    pub ssh_config: Option<PathBuf>,
}

impl Fleet {
    /// A fleet of `hosts`, with the `all` and `ungrouped` groups added to `groups`.
    pub fn new(hosts: Vec<FleetHost>, mut groups: BTreeMap<String, BTreeSet<String>>) -> Fleet {
        let names = || hosts.iter().map(|h| h.name.clone());
        groups.insert("all".to_owned(), names().collect());
        let ungrouped = hosts
            .iter()
            .filter(|h| h.groups.is_empty())
            .map(|h| h.name.clone());
        groups
            .entry("ungrouped".to_owned())
            .or_default()
            .extend(ungrouped);
        Fleet {
            hosts,
            groups,
            ssh_config: None,
        }
    }

    /// `~/…` in the ssh config's path and in identities made absolute.
    pub fn expand_home(&mut self, home: &Path) {
        let expand = |p: &Path| match p.strip_prefix("~") {
            Ok(rest) => home.join(rest),
            Err(_) => p.to_path_buf(),
        };
        self.ssh_config = self.ssh_config.as_deref().map(expand);
        for host in &mut self.hosts {
            host.identity = host.identity.as_deref().map(expand);
        }
    }
}

/// `hosts.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HostsFile {
    #[serde(default)]
    ssh: SshSection,
    #[serde(default)]
    groups: BTreeMap<Spanned<String>, Spanned<Defaults>>,
    #[serde(default)]
    hosts: BTreeMap<Spanned<String>, Spanned<HostEntry>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SshSection {
    config: Option<Spanned<String>>,
}

/// What a group may give its hosts.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    user: Option<Spanned<String>>,
    port: Option<Spanned<i64>>,
    identity: Option<Spanned<String>>,
    approval: Option<Spanned<String>>,
    maintenance: Option<Spanned<Vec<String>>>,
    toolup: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HostEntry {
    address: Option<Spanned<String>>,
    #[serde(default)]
    groups: Vec<Spanned<String>>,
    // The same keys as `Defaults` (serde's flatten would lose the spans
    // and the unknown-key check).
    user: Option<Spanned<String>>,
    port: Option<Spanned<i64>>,
    identity: Option<Spanned<String>>,
    approval: Option<Spanned<String>>,
    maintenance: Option<Spanned<Vec<String>>>,
    toolup: Option<Spanned<String>>,
}

impl HostEntry {
    /// The host's own values, as a layer over its groups'.
    fn own(&self) -> Defaults {
        Defaults {
            user: self.user.clone(),
            port: self.port.clone(),
            identity: self.identity.clone(),
            approval: self.approval.clone(),
            maintenance: self.maintenance.clone(),
            toolup: self.toolup.clone(),
        }
    }
}

/// Parses `text`, the contents of the host list at `origin` (named in
/// every message and in each host's `origin`).
pub fn parse(text: &str, origin: &Path) -> Result<Fleet, FleetError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(too_big(origin));
    }
    let file: HostsFile = toml::from_str(text).map_err(|e| {
        let at = crate::base::toml_location::locate(text, &e);
        FleetError {
            file: origin.to_owned(),
            line: at.line,
            subject: at.field.map(super::error::Subject::Field),
            message: e.message().trim().to_owned(),
        }
    })?;
    let line = |offset: usize| line_at(text, offset);
    let error = |offset: usize, field: &str, message: String| {
        FleetError::at(origin, line(offset), message).field(field)
    };
    if file.hosts.len() > MAX_HOSTS {
        return Err(FleetError::file(
            origin,
            format!("more than {MAX_HOSTS} hosts"),
        ));
    }
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, defaults) in &file.groups {
        checks::group_name(name.get_ref()).map_err(|m| {
            FleetError::at(origin, line(name.span().start), m).group(name.get_ref())
        })?;
        // Checked here too, so a group no host names yet is still checked.
        apply(&mut FleetHost::named("", ""), defaults.get_ref(), &error)?;
        groups.entry(name.get_ref().clone()).or_default();
    }
    let mut entries: Vec<(&Spanned<String>, &Spanned<HostEntry>)> = file.hosts.iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let mut hosts = Vec::with_capacity(entries.len());
    for (name, entry) in entries {
        let at = line(name.span().start);
        checks::host_name(name.get_ref())
            .map_err(|m| FleetError::at(origin, at, m).host(name.get_ref()))?;
        let mut host = FleetHost::named(name.get_ref(), &format!("{}:{at}", origin.display()));
        if let Some(address) = &entry.get_ref().address {
            checks::address(address.get_ref())
                .map_err(|m| error(address.span().start, "address", m))?;
            host.address = Some(address.get_ref().clone());
        }
        let mut member_of = BTreeSet::new();
        for group in &entry.get_ref().groups {
            checks::group_name(group.get_ref())
                .map_err(|m| error(group.span().start, "groups", m))?;
            if !matches!(group.get_ref().as_str(), "all" | "ungrouped") {
                member_of.insert(group.get_ref().clone());
            }
        }
        for group in &member_of {
            groups
                .entry(group.clone())
                .or_default()
                .insert(host.name.clone());
        }
        host.groups = member_of.into_iter().collect();
        // `all` first, then the host's groups alphabetically, then the host.
        let own = entry.get_ref().own();
        let layers: Vec<&Defaults> = std::iter::once("all")
            .chain(host.groups.iter().map(String::as_str))
            .filter_map(|g| file.groups.get(g).map(Spanned::get_ref))
            .chain(std::iter::once(&own))
            .collect();
        for layer in layers {
            apply(&mut host, layer, &error)?;
        }
        hosts.push(host);
    }
    let mut fleet = Fleet::new(hosts, groups);
    if let Some(config) = &file.ssh.config {
        checks::identity(config.get_ref()).map_err(|m| error(config.span().start, "config", m))?;
        fleet.ssh_config = Some(PathBuf::from(config.get_ref()));
    }
    Ok(fleet)
}

/// Sets on `host` what `layer` (a group's defaults or the host's own
/// values) says, each value checked.
fn apply(
    host: &mut FleetHost,
    layer: &Defaults,
    error: &impl Fn(usize, &str, String) -> FleetError,
) -> Result<(), FleetError> {
    if let Some(user) = &layer.user {
        checks::user(user.get_ref()).map_err(|m| error(user.span().start, "user", m))?;
        host.user = Some(user.get_ref().clone());
    }
    if let Some(port) = &layer.port {
        host.port =
            Some(checks::port(*port.get_ref()).map_err(|m| error(port.span().start, "port", m))?);
    }
    if let Some(identity) = &layer.identity {
        host.identity = Some(
            checks::identity(identity.get_ref())
                .map_err(|m| error(identity.span().start, "identity", m))?,
        );
    }
    if let Some(approval) = &layer.approval {
        host.approval_required = checks::approval(approval.get_ref())
            .map_err(|m| error(approval.span().start, "approval", m))?;
    }
    if let Some(windows) = &layer.maintenance {
        host.maintenance = checks::windows(windows.get_ref())
            .map_err(|m| error(windows.span().start, "maintenance", m))?;
    }
    if let Some(toolup) = &layer.toolup {
        checks::toolup_path(toolup.get_ref())
            .map_err(|m| error(toolup.span().start, "toolup", m))?;
        host.toolup = Some(toolup.get_ref().clone());
    }
    Ok(())
}

/// The 1-based line of byte `offset` in `text`.
pub(super) fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The error for a file past `MAX_FILE_BYTES`.
pub(super) fn too_big(origin: &Path) -> FleetError {
    FleetError::file(
        origin,
        format!(
            "larger than {} MiB; a host list this big is refused",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Fleet, FleetError> {
        parse(text, Path::new("/c/hosts.toml"))
    }

    const EXAMPLE: &str = r#"[ssh]
config = "~/.ssh/fleet_config"

[groups.prod]
approval = "required"
maintenance = ["Sun 02:00-05:00", "daily 01:00-03:00"]
user = "ops"

[groups.web]
port = 2222

[hosts.web2]
groups = ["web"]

[hosts.web1]
address = "10.0.0.5"
user = "deploy"
identity = "~/.ssh/id_ed25519"
groups = ["web", "prod"]
maintenance = ["Sun 02:00-05:00"]
toolup = "/usr/local/bin/toolup"

[hosts.db1]
"#;

    #[test]
    fn hosts_come_in_definition_order_with_group_values_under_their_own() {
        let fleet = parsed(EXAMPLE).unwrap();
        let names: Vec<&str> = fleet.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["web2", "web1", "db1"]);
        let web1 = &fleet.hosts[1];
        assert_eq!(web1.address.as_deref(), Some("10.0.0.5"));
        assert_eq!(web1.user.as_deref(), Some("deploy"), "the host's own wins");
        assert_eq!(web1.port, Some(2222), "from web");
        assert!(web1.approval_required, "from prod");
        assert_eq!(web1.maintenance, ["Sun 02:00-05:00"]);
        assert_eq!(web1.groups, ["prod", "web"]);
        assert_eq!(web1.origin, "/c/hosts.toml:15");
        assert_eq!(web1.destination(), "deploy@10.0.0.5:2222");
        assert_eq!(fleet.hosts[0].destination(), "web2:2222");
        assert_eq!(fleet.groups["web"].len(), 2);
        assert_eq!(
            fleet.groups["ungrouped"],
            BTreeSet::from(["db1".to_owned()])
        );
        assert_eq!(fleet.groups["all"].len(), 3);
        let mut fleet = fleet;
        fleet.expand_home(Path::new("/home/me"));
        assert_eq!(
            fleet.ssh_config.as_deref(),
            Some(Path::new("/home/me/.ssh/fleet_config"))
        );
        assert_eq!(
            fleet.hosts[1].identity.as_deref(),
            Some(Path::new("/home/me/.ssh/id_ed25519"))
        );
    }

    #[test]
    fn the_all_group_gives_every_host_its_values() {
        let fleet = parsed("[groups.all]\nuser = \"admin\"\n[hosts.a]\n[hosts.b]\nuser = \"me\"\n")
            .unwrap();
        assert_eq!(fleet.hosts[0].user.as_deref(), Some("admin"));
        assert_eq!(fleet.hosts[1].user.as_deref(), Some("me"));
    }

    #[test]
    fn every_error_names_file_line_and_field() {
        let cases: &[(&str, &str)] = &[
            (
                "[hosts.a]\nadress = \"x\"\n",
                "/c/hosts.toml:2: field `adress`",
            ),
            ("[hosts.a]\n\nport = 0\n", "/c/hosts.toml:3: field `port`"),
            ("[hosts.a]\nport = 70000\n", "/c/hosts.toml:2: field `port`"),
            (
                "[hosts.a]\nport = \"22\"\n",
                "/c/hosts.toml:2: field `port`",
            ),
            (
                "[hosts.a]\naddress = \"-oProxyCommand=x\"\n",
                "/c/hosts.toml:2: field `address`",
            ),
            (
                "[hosts.a]\nuser = \"root;id\"\n",
                "/c/hosts.toml:2: field `user`",
            ),
            (
                "[hosts.a]\napproval = \"yes\"\n",
                "/c/hosts.toml:2: field `approval`",
            ),
            (
                "[hosts.a]\nmaintenance = [\"Sun 25:00-26:00\"]\n",
                "/c/hosts.toml:2: field `maintenance`",
            ),
            (
                "[hosts.a]\ntoolup = \"toolup; id\"\n",
                "/c/hosts.toml:2: field `toolup`",
            ),
            (
                "[hosts.a]\ngroups = [\"ok\", \"b d\"]\n",
                "/c/hosts.toml:2: field `groups`",
            ),
            (
                "[groups.g]\naddress = \"x\"\n",
                "/c/hosts.toml:2: field `address`",
            ),
            ("[groups.g]\n[groups.g.x]\n", "/c/hosts.toml"),
            (
                "[ssh]\nconfigg = \"x\"\n",
                "/c/hosts.toml:2: field `configg`",
            ),
            ("[hosts.\"-oX\"]\n", "/c/hosts.toml:1: host `-oX`"),
            ("[groups.\"a b\"]\n", "/c/hosts.toml:1: group `a b`"),
            ("[[hosts]]\n", "/c/hosts.toml:1"),
        ];
        for (text, expected) in cases {
            let e = parsed(text).unwrap_err().to_string();
            assert!(e.starts_with(expected), "{text:?}: {e}");
        }
    }

    #[test]
    fn a_group_value_error_points_at_the_group_even_without_members() {
        let text = "[groups.prod]\nport = 0\n";
        let e = parsed(text).unwrap_err();
        assert_eq!(
            (e.line, e.to_string().contains("field `port`")),
            (Some(2), true)
        );
    }

    #[test]
    fn a_file_past_the_cap_is_refused_naming_it() {
        let text = "#".repeat(MAX_FILE_BYTES + 1);
        let e = parsed(&text).unwrap_err().to_string();
        assert!(e.starts_with("/c/hosts.toml: larger than 4 MiB"), "{e}");
    }

    #[test]
    fn an_ipv6_destination_keeps_its_port_apart() {
        let mut host = FleetHost::named("v6", "x:1");
        host.address = Some("fe80::1".to_owned());
        host.port = Some(22);
        assert_eq!(host.destination(), "[fe80::1]:22");
    }
}
