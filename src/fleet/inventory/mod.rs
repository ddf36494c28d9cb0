//! Ansible inventories, INI or YAML, read into the same `Fleet` as
//! `hosts.toml`: groups, children, group and host variables, host ranges,
//! `all` and `ungrouped`. Both parsers fill one `Inventory` (what the file
//! says, with the line of each thing) and `resolve` turns it into hosts
//! the way Ansible would (see `resolve.rs` for the precedence).
//!
//! Every parser is a pure function of the text and the path named in its
//! messages, and each bounds what a hostile file can cost: the file's size,
//! the hosts its ranges stand for, the groups, YAML's aliases and nesting.

pub mod ini;
pub mod ranges;
mod resolve;
pub mod yaml;
mod yaml_tree;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::checks;
use super::error::FleetError;
use super::hosts::{Fleet, MAX_FILE_BYTES, MAX_HOSTS, too_big};

pub use ini::parse_ini;
pub use yaml::parse_yaml;

/// The most groups an inventory may have.
pub const MAX_GROUPS: usize = 2_000;
/// The most host names ranges may stand for in one file, counting a host
/// each time it is listed (in several groups, say).
const MAX_LISTED: usize = 10 * MAX_HOSTS;

/// Parses an inventory: YAML for `.yml`/`.yaml`, INI for `.ini`, and
/// otherwise whichever the text looks like (see `looks_like_yaml`).
pub fn parse(text: &str, origin: &Path) -> Result<Fleet, FleetError> {
    let extension = origin
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase());
    match extension.as_deref() {
        Some("yml" | "yaml") => parse_yaml(text, origin),
        Some("ini") => parse_ini(text, origin),
        _ if looks_like_yaml(text) => parse_yaml(text, origin),
        _ => parse_ini(text, origin),
    }
}

/// Whether the first line that says something is YAML: `---`, a flow
/// mapping, or a key ending in `:` (`all:`). An INI file starts with a
/// `[section]` or a host (`web1`, `web1:2222 ansible_user=x`).
pub fn looks_like_yaml(text: &str) -> bool {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'));
    first.is_some_and(|l| {
        let l = l.split(" #").next().unwrap_or(l).trim_end();
        l == "---" || l.starts_with('{') || (l.ends_with(':') && !l.starts_with('['))
    })
}

/// A variable's value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// A scalar (numbers and booleans as their text).
    Text(String),
    /// A list of scalars.
    List(Vec<String>),
    /// Anything else (a mapping, nested lists): kept only to be refused
    /// where toolup reads the variable.
    Other,
}

/// A variable and the line it is set on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Var {
    value: Value,
    line: usize,
}

type Vars = BTreeMap<String, Var>;

/// A group as the file declares it.
#[derive(Debug, Default)]
struct Group {
    /// Where it first appears.
    line: usize,
    /// Its own hosts.
    hosts: BTreeSet<String>,
    /// Child groups, each with the line that names it.
    children: Vec<(String, usize)>,
    vars: Vars,
}

/// What an inventory file says, before precedence is applied.
#[derive(Debug)]
struct Inventory<'o> {
    origin: &'o Path,
    /// Host names in the order first listed, with that line.
    hosts: Vec<(String, usize)>,
    index: HashMap<String, usize>,
    /// Each host's own variables, merged over every place it is listed.
    host_vars: HashMap<String, Vars>,
    groups: BTreeMap<String, Group>,
    /// Host names listed so far, repeats counted.
    listed: usize,
}

impl<'o> Inventory<'o> {
    fn new(text: &str, origin: &'o Path) -> Result<Inventory<'o>, FleetError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(too_big(origin));
        }
        let mut inventory = Inventory {
            origin,
            hosts: Vec::new(),
            index: HashMap::new(),
            host_vars: HashMap::new(),
            groups: BTreeMap::new(),
            listed: 0,
        };
        inventory.group("all", 1)?;
        Ok(inventory)
    }

    fn error(&self, line: usize, message: impl Into<String>) -> FleetError {
        FleetError::at(self.origin, line, message)
    }

    /// The group `name`, made on first mention (at `line`).
    fn group(&mut self, name: &str, line: usize) -> Result<&mut Group, FleetError> {
        if !self.groups.contains_key(name) {
            checks::group_name(name).map_err(|m| self.error(line, m).group(name))?;
            if self.groups.len() >= MAX_GROUPS {
                return Err(self
                    .error(line, format!("more than {MAX_GROUPS} groups"))
                    .group(name));
            }
        }
        Ok(self.groups.entry(name.to_owned()).or_insert_with(|| Group {
            line,
            ..Group::default()
        }))
    }

    /// Lists the hosts `pattern` stands for (a name or a range) in `group`,
    /// each with `vars` (merged over what earlier lines gave it).
    fn add_hosts(
        &mut self,
        pattern: &str,
        line: usize,
        group: &str,
        vars: &[(String, Var)],
    ) -> Result<(), FleetError> {
        let room = MAX_LISTED.saturating_sub(self.listed).min(MAX_HOSTS);
        let names = ranges::expand(pattern, room).map_err(|m| self.error(line, m).group(group))?;
        self.listed += names.len();
        self.group(group, line)?;
        for name in names {
            checks::host_name(&name).map_err(|m| self.error(line, m).host(&name))?;
            if !self.index.contains_key(&name) {
                if self.hosts.len() >= MAX_HOSTS {
                    return Err(self.error(line, format!("more than {MAX_HOSTS} hosts")));
                }
                self.index.insert(name.clone(), self.hosts.len());
                self.hosts.push((name.clone(), line));
            }
            let own = self.host_vars.entry(name.clone()).or_default();
            own.extend(vars.iter().cloned());
            if let Some(g) = self.groups.get_mut(group) {
                g.hosts.insert(name);
            }
        }
        Ok(())
    }

    /// Makes `child` a child of `parent`.
    fn add_child(&mut self, parent: &str, child: &str, line: usize) -> Result<(), FleetError> {
        if child == "all" {
            return Err(self
                .error(line, "`all` holds every group; it cannot be a child")
                .group(parent));
        }
        self.group(child, line)?;
        let parent = self.group(parent, line)?;
        if !parent.children.iter().any(|(c, _)| c == child) {
            parent.children.push((child.to_owned(), line));
        }
        Ok(())
    }

    /// Sets a group variable.
    fn set_group_var(&mut self, group: &str, key: &str, var: Var) -> Result<(), FleetError> {
        let line = var.line;
        self.group(group, line)?.vars.insert(key.to_owned(), var);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_comes_from_the_extension_else_from_the_text() {
        assert!(looks_like_yaml("# hosts\n---\nall:\n"));
        assert!(looks_like_yaml("all:\n  hosts:\n"));
        assert!(looks_like_yaml("\nweb:   # the web servers\n  hosts:\n"));
        assert!(!looks_like_yaml("[web]\nweb1\n"));
        assert!(!looks_like_yaml("; comment\nweb1:2222 ansible_user=x\n"));
        assert!(!looks_like_yaml("web1\n"));
        let yaml = "all:\n  hosts:\n    a:\n";
        let ini = "[web]\na\n";
        for (text, file) in [
            (yaml, "inv"),
            (ini, "inv"),
            (yaml, "i.yaml"),
            (ini, "i.ini"),
        ] {
            let fleet = parse(text, Path::new(file)).unwrap();
            assert_eq!(fleet.hosts[0].name, "a", "{file}");
        }
        assert!(parse(ini, Path::new("i.yml")).is_err());
    }

    fn ini(text: &str) -> Result<Fleet, FleetError> {
        parse_ini(text, Path::new("inv"))
    }

    #[test]
    fn precedence_is_ansible_s_host_then_deeper_group_then_alphabetical() {
        let text = "\
[all:vars]
ansible_user=everyone
ansible_port=1000
[alpha]
h1
[beta]
h1
h2 ansible_user=own
[alpha:vars]
ansible_port=1001
ansible_user=alpha
[beta:vars]
ansible_port=1002
[parent:children]
alpha
[parent:vars]
ansible_port=1003
toolup_path=/parent/toolup
";
        let fleet = ini(text).unwrap();
        let h1 = &fleet.hosts[0];
        // alpha is deeper (under parent) than beta, so it wins over beta.
        assert_eq!(h1.port, Some(1001));
        assert_eq!(h1.user.as_deref(), Some("alpha"));
        assert_eq!(h1.toolup.as_deref(), Some("/parent/toolup"));
        assert_eq!(h1.groups, ["alpha", "beta", "parent"]);
        let h2 = &fleet.hosts[1];
        assert_eq!(h2.user.as_deref(), Some("own"), "the host's own wins");
        assert_eq!(h2.port, Some(1002));
        // At one depth the later name alphabetically wins.
        let flat =
            ini("[a]\nh\n[b]\nh\n[a:vars]\nansible_port=1\n[b:vars]\nansible_port=2\n").unwrap();
        assert_eq!(flat.hosts[0].port, Some(2));
    }

    #[test]
    fn the_new_variable_name_wins_over_the_old_at_any_level() {
        let text = "[g]\nh ansible_ssh_host=old.example ansible_ssh_user=olduser\n[g:vars]\nansible_host=new.example\n";
        let h = &ini(text).unwrap().hosts[0];
        assert_eq!(h.address.as_deref(), Some("new.example"));
        assert_eq!(h.user.as_deref(), Some("olduser"));
        let e = ini("[g]\nh ansible_ssh_port=0\n").unwrap_err().to_string();
        assert!(e.starts_with("inv:2: field `ansible_ssh_port`"), "{e}");
    }

    #[test]
    fn children_are_flattened_and_loops_refused_naming_the_loop() {
        let text = "[a:children]\nb\n[b:children]\nc\n[c]\nh1\n[b]\nh2\n";
        let fleet = ini(text).unwrap();
        assert_eq!(fleet.groups["a"].len(), 2);
        assert_eq!(fleet.groups["c"].len(), 1);
        assert_eq!(fleet.hosts[0].groups, ["a", "b", "c"]);
        let e = ini("[a:children]\nb\n[b:children]\nc\n[c:children]\na\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "inv:6: group `c`: children loop back: c -> a -> b -> c");
        let e = ini("[a:children]\na\n").unwrap_err().to_string();
        assert_eq!(e, "inv:2: group `a`: children loop back: a -> a");
    }

    #[test]
    fn hostile_sizes_are_refused_naming_the_file_or_line() {
        let big = format!("[g]\n{}", "h\n".repeat(MAX_FILE_BYTES / 2));
        let e = ini(&big).unwrap_err().to_string();
        assert!(e.starts_with("inv: larger than 4 MiB"), "{e}");
        let e = ini("[g]\nh[1:5000]\nk[1:5001]\n").unwrap_err().to_string();
        assert!(e.starts_with("inv:3: more than 10000 hosts"), "{e}");
        let e = ini("[g]\nh[0:10000]\n").unwrap_err().to_string();
        assert!(e.starts_with("inv:2: group `g`"), "{e}");
        assert!(e.contains("10001 hosts"), "{e}");
        // The same range listed again and again still costs its names each time.
        let repeated: String = (0..20).map(|i| format!("[g{i}]\nh[1:9000]\n")).collect();
        let e = ini(&repeated).unwrap_err().to_string();
        assert!(e.contains("more than the"), "{e}");
        let groups: String = (0..=MAX_GROUPS).map(|i| format!("[g{i}]\n")).collect();
        let e = ini(&groups).unwrap_err().to_string();
        assert!(e.contains("more than 2000 groups"), "{e}");
    }

    #[test]
    fn templates_are_refused_not_taken_literally() {
        for text in [
            "[g]\nh ansible_host={{lookup}}\n",
            "[g]\nh toolup_maintenance='[\"{{ w }}\"]'\n",
            "[g:vars]\ntoolup_maintenance={% if x %}Sun 01:00-02:00{% endif %}\n",
        ] {
            let e = ini(text).unwrap_err().to_string();
            assert!(e.contains("holds a template"), "{text:?}: {e}");
        }
    }

    #[test]
    fn nothing_a_file_holds_makes_a_parser_panic() {
        let samples = [
            "[",
            "[]",
            "[:vars]",
            "[a:b:c]",
            "a=",
            "=b",
            "[g]\n:22",
            "h[",
            "h]",
            "'",
            "\"",
            "all:\n  hosts:\n    ? [a]\n    : 1\n",
            "{---",
            "&a [*a]",
            "*a",
            "!!binary x",
            "all: {hosts: {a: {ansible_port: 99999999999999999999}}}",
            "\u{0}",
            "- - - -",
            "all:\n  children:\n    all:\n",
            "a: &x\n  b: *x\n",
        ];
        for text in samples {
            let _ = parse_ini(text, Path::new("f"));
            let _ = parse_yaml(text, Path::new("f"));
        }
    }
}
