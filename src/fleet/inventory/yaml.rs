//! Ansible's YAML inventory:
//!
//! ```yaml
//! all:
//!   vars: {toolup_path: /opt/toolup/bin/toolup}
//!   children:
//!     web:
//!       hosts:
//!         www[01:03].example.com: {ansible_port: 2222}
//!       vars:
//!         toolup_maintenance: ["Sun 02:00-05:00"]
//! ```
//!
//! The top level is groups; a group has `hosts` (names or ranges, each
//! with its variables), `vars` and `children` (groups again), and nothing
//! else. The document is read by `yaml_tree`, within its node budget and
//! depth limit.

use std::path::Path;

use super::yaml_tree::{Builder, Kind, Node};
use super::{Inventory, Value, Var};
use crate::fleet::error::FleetError;
use crate::fleet::hosts::Fleet;

/// Parses a YAML inventory; `origin` names the file in messages.
pub fn parse_yaml(text: &str, origin: &Path) -> Result<Fleet, FleetError> {
    let mut inventory = Inventory::new(text, origin)?;
    // The parser is another crate's: should hostile input make it panic,
    // that is this file's error, not toolup's end.
    let root = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Builder::new(text, origin).document()
    }))
    .unwrap_or_else(|_| {
        Err(FleetError::file(
            origin,
            "the YAML parser failed on this file",
        ))
    })?;
    match &root.kind {
        Kind::Null => {}
        Kind::Map(groups) => {
            for (key, body) in groups {
                let name = scalar(&inventory, key, "a group name")?;
                group(&mut inventory, &name, key.line, body)?;
            }
        }
        _ => {
            return Err(inventory.error(root.line, "expected a mapping of groups (all: …)"));
        }
    }
    inventory.resolve()
}

/// A group's body: `hosts`, `vars`, `children`.
fn group(
    inventory: &mut Inventory<'_>,
    name: &str,
    line: usize,
    body: &Node,
) -> Result<(), FleetError> {
    inventory.group(name, line)?;
    let entries = match &body.kind {
        Kind::Null => return Ok(()),
        Kind::Map(entries) => entries,
        _ => {
            return Err(inventory
                .error(body.line, "expected hosts, vars or children")
                .group(name));
        }
    };
    for (key, value) in entries {
        let section = scalar(inventory, key, "hosts, vars or children")?;
        let items = match &value.kind {
            Kind::Null => continue,
            Kind::Map(items) => items,
            _ => {
                return Err(inventory
                    .error(value.line, format!("`{section}` must be a mapping"))
                    .group(name));
            }
        };
        match section.as_str() {
            "hosts" => {
                for (host, vars) in items {
                    let pattern = scalar(inventory, host, "a host name")?;
                    let vars = variables(inventory, vars, name)?;
                    inventory.add_hosts(&pattern, host.line, name, &vars)?;
                }
            }
            "vars" => {
                for (key, var) in variable_list(inventory, items)? {
                    inventory.set_group_var(name, &key, var)?;
                }
            }
            "children" => {
                for (child, child_body) in items {
                    let child_name = scalar(inventory, child, "a group name")?;
                    inventory.add_child(name, &child_name, child.line)?;
                    group(inventory, &child_name, child.line, child_body)?;
                }
            }
            other => {
                return Err(inventory
                    .error(
                        key.line,
                        format!("unknown key `{other}` (hosts, vars or children)"),
                    )
                    .group(name));
            }
        }
    }
    Ok(())
}

/// A host's variables: nothing, or a mapping.
fn variables(
    inventory: &Inventory<'_>,
    node: &Node,
    group: &str,
) -> Result<Vec<(String, Var)>, FleetError> {
    match &node.kind {
        Kind::Null => Ok(Vec::new()),
        Kind::Map(items) => variable_list(inventory, items),
        _ => Err(inventory
            .error(node.line, "a host's variables must be a mapping")
            .group(group)),
    }
}

/// Each `key: value` as a variable (a null value sets nothing).
fn variable_list(
    inventory: &Inventory<'_>,
    items: &[(Node, Node)],
) -> Result<Vec<(String, Var)>, FleetError> {
    let mut out = Vec::new();
    for (key, value) in items {
        let name = scalar(inventory, key, "a variable name")?;
        let value = match &value.kind {
            Kind::Null => continue,
            Kind::Scalar(text) => Value::Text(text.clone()),
            Kind::Seq(items) => items
                .iter()
                .map(|i| match &i.kind {
                    Kind::Scalar(text) => Some(text.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<String>>>()
                .map_or(Value::Other, Value::List),
            Kind::Map(_) => Value::Other,
        };
        out.push((
            name,
            Var {
                value,
                line: key.line,
            },
        ));
    }
    Ok(out)
}

/// The text of a scalar key.
fn scalar(inventory: &Inventory<'_>, node: &Node, what: &str) -> Result<String, FleetError> {
    match &node.kind {
        Kind::Scalar(text) => Ok(text.clone()),
        _ => Err(inventory.error(node.line, format!("expected {what}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Fleet, FleetError> {
        parse_yaml(text, Path::new("/inv/hosts.yml"))
    }

    #[test]
    fn groups_children_vars_and_ranges() {
        let text = "\
all:
  hosts:
    solo:
      ansible_host: 10.0.0.1
  vars:
    toolup_path: /opt/toolup/bin/toolup
  children:
    prod:
      children:
        web:
          hosts:
            www[01:03].example.com:
              ansible_port: 2222
        db:
          hosts:
            db1: {ansible_host: 10.0.1.1, toolup_maintenance: [\"Sun 02:00-05:00\"]}
      vars:
        toolup_approval: required
        ansible_user: ops
    web:
      vars:
        ansible_user: deploy
";
        let fleet = parsed(text).unwrap();
        let names: Vec<&str> = fleet.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "solo",
                "www01.example.com",
                "www02.example.com",
                "www03.example.com",
                "db1"
            ]
        );
        assert_eq!(fleet.hosts[0].origin, "/inv/hosts.yml:3");
        let www = &fleet.hosts[1];
        assert_eq!(
            www.user.as_deref(),
            Some("deploy"),
            "web (deeper) over prod"
        );
        assert_eq!(www.port, Some(2222));
        assert!(www.approval_required);
        assert_eq!(www.groups, ["prod", "web"]);
        let db = &fleet.hosts[4];
        assert_eq!(db.user.as_deref(), Some("ops"));
        assert_eq!(db.maintenance, ["Sun 02:00-05:00"]);
        assert_eq!(db.toolup.as_deref(), Some("/opt/toolup/bin/toolup"));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "\
all:
  children:
    web:
      vars: &common
        ansible_user: deploy
        ansible_port: 2200
      hosts:
        w1:
          <<: *common
          ansible_port: 2201
    db:
      vars: *common
      hosts:
        d1:
";
        let fleet = parsed(text).unwrap();
        assert_eq!(fleet.hosts[0].port, Some(2201), "the host's own key wins");
        assert_eq!(fleet.hosts[1].user.as_deref(), Some("deploy"));
        assert_eq!(fleet.hosts[1].port, Some(2200));
    }

    #[test]
    fn an_alias_bomb_is_refused_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parsed(&text).unwrap_err().to_string();
        assert!(e.contains("more than 500000 YAML nodes"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let flow = format!("all: {}{}\n", "[".repeat(100), "]".repeat(100));
        let block: String = (0..200)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect();
        for deep in [flow, block] {
            let e = parsed(&deep).unwrap_err().to_string();
            assert!(e.contains("nested deeper than 64"), "{e}");
        }
        // Deeper than the parser's own flow limit: refused by it.
        let deeper = format!("all: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parsed(&deeper).is_err());
    }

    #[test]
    fn errors_name_file_line_and_what() {
        for (text, expected) in [
            (
                "all:\n  hostz:\n    a:\n",
                "/inv/hosts.yml:2: group `all`: unknown key `hostz`",
            ),
            (
                "all:\n  hosts:\n    a:\n      ansible_port: 0\n",
                "/inv/hosts.yml:4: field `ansible_port`",
            ),
            (
                "all:\n  hosts:\n    a:\n      ansible_port: [1]\n",
                "/inv/hosts.yml:4: field `ansible_port`",
            ),
            ("all:\n  hosts: [a, b]\n", "/inv/hosts.yml:2: group `all`"),
            (
                "all:\n  hosts:\n    a: 1\n",
                "/inv/hosts.yml:3: group `all`",
            ),
            (
                "web:\n  children:\n    db:\n      children:\n        web:\n",
                "/inv/hosts.yml:5: group `db`: children loop back: db -> web -> db",
            ),
            (
                "all:\n  hosts:\n    w[1:x]:\n",
                "/inv/hosts.yml:3: group `all`",
            ),
            ("all:\n  hosts:\n    a: {b: [}\n", "/inv/hosts.yml:3"),
            ("- a\n- b\n", "/inv/hosts.yml:1: expected a mapping"),
            (
                "a: 1\n---\nb: 2\n",
                "/inv/hosts.yml:2: more than one YAML document",
            ),
            (
                "all:\n  vars:\n    ansible_user: '-oX'\n",
                "/inv/hosts.yml:3: field `ansible_user`",
            ),
            ("all:\n  hosts:\n    a: *nothing\n", "/inv/hosts.yml:3"),
        ] {
            let e = parsed(text).unwrap_err().to_string();
            assert!(e.starts_with(expected), "{text:?}: {e}");
        }
    }

    #[test]
    fn an_empty_file_is_an_empty_inventory() {
        assert!(parsed("").unwrap().hosts.is_empty());
        assert!(parsed("# nothing\n").unwrap().hosts.is_empty());
        assert!(parsed("all:\n").unwrap().hosts.is_empty());
    }
}
