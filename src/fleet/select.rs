//! Which hosts a command acts on. Names on the command line: none is every
//! host, `NAME` a host, `@GROUP` a group's hosts, and a name no host list
//! defines but the user's ssh config does (a `Host` alias) a host ssh
//! resolves itself. Then `--limit`, in Ansible's pattern language:
//! patterns separated by `,` or `:`, `*` wildcards over host and group
//! names, `all`, `&PATTERN` (only hosts also matching), `!PATTERN` (not
//! those). The result keeps the hosts' definition order, each host once.

use std::collections::HashSet;

use super::hosts::{Fleet, FleetHost};
use crate::base::names::did_you_mean;
use crate::base::wildcard;

pub use super::ssh_config::ssh_aliases;

/// The origin shown for a host only the ssh config knows.
pub const SSH_ALIAS_ORIGIN: &str = "ssh config alias";

/// The hosts `names` and `limit` choose from `fleet`, with `ssh_aliases`
/// for names the fleet does not define.
pub fn select(
    fleet: &Fleet,
    names: &[String],
    limit: Option<&str>,
    ssh_aliases: &[String],
) -> Result<Vec<FleetHost>, String> {
    let mut universe: Vec<FleetHost> = fleet.hosts.clone();
    let mut chosen: HashSet<String> = HashSet::new();
    if names.is_empty() {
        chosen.extend(fleet.hosts.iter().map(|h| h.name.clone()));
    }
    for name in names {
        if let Some(group) = name.strip_prefix('@') {
            let members = fleet.groups.get(group).ok_or_else(|| {
                format!(
                    "no group `{group}` in the host list{}",
                    did_you_mean(group, fleet.groups.keys().map(String::as_str))
                )
            })?;
            chosen.extend(members.iter().cloned());
        } else if universe.iter().any(|h| &h.name == name) {
            chosen.insert(name.clone());
        } else if ssh_aliases.contains(name) {
            universe.push(FleetHost::named(name, SSH_ALIAS_ORIGIN));
            chosen.insert(name.clone());
        } else {
            let groups: Vec<String> = fleet.groups.keys().map(|g| format!("@{g}")).collect();
            let candidates = fleet
                .hosts
                .iter()
                .map(|h| h.name.as_str())
                .chain(ssh_aliases.iter().map(String::as_str))
                .chain(groups.iter().map(String::as_str));
            return Err(format!(
                "no host `{name}` in the host list or the ssh config{}",
                did_you_mean(name, candidates)
            ));
        }
    }
    if let Some(limit) = limit {
        let matched = limited(limit, &universe, fleet)?;
        chosen.retain(|name| matched.contains(name));
        if chosen.is_empty() {
            return Err(format!("--limit `{limit}` leaves no host"));
        }
    }
    Ok(universe
        .into_iter()
        .filter(|h| chosen.contains(&h.name))
        .collect())
}

/// The names of the hosts of `universe` that `limit` matches: its plain
/// patterns together (all hosts when there are none), then each `&`
/// pattern narrowing, then each `!` pattern taking away — the order
/// Ansible applies them in, whatever order they are written in.
fn limited(limit: &str, universe: &[FleetHost], fleet: &Fleet) -> Result<HashSet<String>, String> {
    let items = split_patterns(limit);
    let plain: Vec<&str> = items
        .iter()
        .copied()
        .filter(|p| !p.starts_with(['&', '!']))
        .collect();
    let mut result: HashSet<String> = if plain.is_empty() {
        universe.iter().map(|h| h.name.clone()).collect()
    } else {
        let mut union = HashSet::new();
        for item in plain {
            union.extend(matching(item, universe, fleet)?);
        }
        union
    };
    for item in items.iter().filter_map(|p| p.strip_prefix('&')) {
        let those = matching(item, universe, fleet)?;
        result.retain(|h| those.contains(h));
    }
    for item in items.iter().filter_map(|p| p.strip_prefix('!')) {
        // Taking away what is not there is no mistake.
        let those = matching(item, universe, fleet).unwrap_or_default();
        result.retain(|h| !those.contains(h));
    }
    Ok(result)
}

/// `web,db`, or `web:&prod:!web03`; an IPv6 address is one pattern.
fn split_patterns(limit: &str) -> Vec<&str> {
    let separator = if limit.contains(',') {
        ','
    } else if limit.parse::<std::net::Ipv6Addr>().is_ok() {
        return vec![limit.trim()];
    } else {
        ':'
    };
    limit
        .split(separator)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// The hosts one pattern names: `all`, a group (its hosts) or a host, with
/// wildcards; a plain name that names nothing is an error with a hint.
fn matching(item: &str, universe: &[FleetHost], fleet: &Fleet) -> Result<HashSet<String>, String> {
    let known: HashSet<&str> = universe.iter().map(|h| h.name.as_str()).collect();
    let in_universe = |name: &&String| known.contains(name.as_str());
    if item == "all" || item == "*" {
        return Ok(universe.iter().map(|h| h.name.clone()).collect());
    }
    let mut out: HashSet<String> = HashSet::new();
    for (group, members) in &fleet.groups {
        if wildcard::matches(item, group) {
            out.extend(members.iter().filter(in_universe).cloned());
        }
    }
    let named_group = fleet.groups.keys().any(|g| wildcard::matches(item, g));
    for host in universe {
        if wildcard::matches(item, &host.name) {
            out.insert(host.name.clone());
        }
    }
    if out.is_empty() && !named_group && !wildcard::is_wild(item) {
        let candidates = universe
            .iter()
            .map(|h| h.name.as_str())
            .chain(fleet.groups.keys().map(String::as_str));
        return Err(format!(
            "--limit: `{item}` is no host or group{}",
            did_you_mean(item, candidates)
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// web01..web03 and db1 in group prod with web01, web03 in group web too.
    fn fleet() -> Fleet {
        let host = |name: &str, groups: &[&str]| FleetHost {
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            ..FleetHost::named(name, "t:1")
        };
        let hosts = vec![
            host("web01", &["prod", "web"]),
            host("web02", &["web"]),
            host("web03", &["prod", "web"]),
            host("db1", &["prod"]),
            host("lab", &[]),
        ];
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for h in &hosts {
            for g in &h.groups {
                groups.entry(g.clone()).or_default().insert(h.name.clone());
            }
        }
        Fleet::new(hosts, groups)
    }

    fn names(hosts: &[FleetHost]) -> Vec<&str> {
        hosts.iter().map(|h| h.name.as_str()).collect()
    }

    fn select_names(args: &[&str], limit: Option<&str>) -> Result<Vec<String>, String> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let aliases = vec!["bastion".to_owned()];
        select(&fleet(), &args, limit, &aliases)
            .map(|h| names(&h).into_iter().map(str::to_owned).collect())
    }

    #[test]
    fn names_groups_and_aliases_in_definition_order_each_once() {
        assert_eq!(
            select_names(&[], None).unwrap(),
            ["web01", "web02", "web03", "db1", "lab"]
        );
        assert_eq!(
            select_names(&["db1", "@web", "web01"], None).unwrap(),
            ["web01", "web02", "web03", "db1"]
        );
        assert_eq!(select_names(&["@ungrouped"], None).unwrap(), ["lab"]);
        let hosts = select(&fleet(), &["bastion".into()], None, &["bastion".into()]).unwrap();
        assert_eq!(names(&hosts), ["bastion"]);
        assert_eq!(hosts[0].origin, SSH_ALIAS_ORIGIN);
        assert_eq!(hosts[0].address, None);
    }

    #[test]
    fn unknown_names_and_groups_suggest_the_closest() {
        let e = select_names(&["web1"], None).unwrap_err();
        assert!(
            e.contains("no host `web1`") && e.contains("did you mean web01"),
            "{e}"
        );
        let e = select_names(&["bastoin"], None).unwrap_err();
        assert!(e.contains("did you mean bastion"), "{e}");
        let e = select_names(&["@prdo"], None).unwrap_err();
        assert!(
            e.contains("no group `prdo`") && e.contains("did you mean prod"),
            "{e}"
        );
    }

    #[test]
    fn limit_takes_ansible_patterns() {
        let limited = |l: &str| select_names(&[], Some(l));
        assert_eq!(limited("web:&prod:!web03").unwrap(), ["web01"]);
        assert_eq!(limited("!web03,&prod,web").unwrap(), ["web01"]);
        assert_eq!(limited("db*,lab").unwrap(), ["db1", "lab"]);
        assert_eq!(limited("all:!prod").unwrap(), ["web02", "lab"]);
        assert_eq!(limited("!prod").unwrap(), ["web02", "lab"]);
        assert_eq!(limited("w*02").unwrap(), ["web02"]);
        assert_eq!(limited("p*").unwrap(), ["web01", "web03", "db1"]);
        assert_eq!(
            select_names(&["@web"], Some("prod")).unwrap(),
            ["web01", "web03"]
        );
        let e = limited("webb").unwrap_err();
        assert!(
            e.contains("`webb` is no host or group; did you mean web"),
            "{e}"
        );
        assert!(limited("web:!nothing-here").is_ok());
        let e = limited("web:&db1").unwrap_err();
        assert!(e.contains("leaves no host"), "{e}");
        assert_eq!(split_patterns("fe80::1"), ["fe80::1"]);
    }
}
