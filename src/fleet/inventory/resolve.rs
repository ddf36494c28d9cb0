//! From what an inventory says to the fleet's hosts, as Ansible resolves
//! it: a group's hosts include its children's; a host's variables come
//! from `all`, then its groups from the shallowest to the deepest (groups
//! at one depth alphabetically, a later one winning), then its own. A
//! group's depth is its longest path from `all`. Children that loop are
//! refused, naming the loop.
//!
//! The variables toolup reads: `ansible_host`, `ansible_port`,
//! `ansible_user`, `ansible_ssh_private_key_file` (and the older
//! `ansible_ssh_host`, `ansible_ssh_port`, `ansible_ssh_user`, used when
//! the new name is not set at any level), `toolup_path`,
//! `toolup_approval`, `toolup_maintenance`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Inventory, Value, Var};
use crate::fleet::checks;
use crate::fleet::error::FleetError;
use crate::fleet::hosts::{Fleet, FleetHost};

/// The variables toolup reads, each with the older name Ansible still honours.
const READ: &[(&str, Option<&str>)] = &[
    ("ansible_host", Some("ansible_ssh_host")),
    ("ansible_port", Some("ansible_ssh_port")),
    ("ansible_user", Some("ansible_ssh_user")),
    ("ansible_ssh_private_key_file", None),
    ("toolup_path", None),
    ("toolup_approval", None),
    ("toolup_maintenance", None),
];

impl Inventory<'_> {
    /// The fleet this inventory describes.
    pub(super) fn resolve(self) -> Result<Fleet, FleetError> {
        // Each group's values are checked even where no host takes them.
        for group in self.groups.values() {
            let mut vars = BTreeMap::new();
            read_only(&mut vars, &group.vars);
            self.read_vars(&mut FleetHost::named("", ""), &vars)?;
        }
        let names: Vec<&str> = self.groups.keys().map(String::as_str).collect();
        let id: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let parents = self.parents(&names, &id);
        let order = self.top_down(&names, &parents)?;
        // Depth and every ancestor, each group after its parents.
        let mut depth = vec![0usize; names.len()];
        let mut ancestors: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); names.len()];
        for &g in &order {
            for &p in &parents[g] {
                depth[g] = depth[g].max(depth[p] + 1);
                let inherited = ancestors[p].clone();
                ancestors[g].insert(p);
                ancestors[g].extend(inherited);
            }
        }
        let all = id["all"];
        let ungrouped = id.get("ungrouped").copied();
        let mut member_of: HashMap<&str, BTreeSet<usize>> = HashMap::new();
        for (g, name) in names.iter().enumerate() {
            for host in &self.groups[*name].hosts {
                let set = member_of.entry(host.as_str()).or_default();
                set.insert(g);
                set.extend(ancestors[g].iter().copied());
            }
        }
        let mut groups: BTreeMap<String, BTreeSet<String>> = names
            .iter()
            .filter(|n| !matches!(**n, "all" | "ungrouped"))
            .map(|n| ((*n).to_owned(), BTreeSet::new()))
            .collect();
        let mut hosts = Vec::with_capacity(self.hosts.len());
        for (name, line) in &self.hosts {
            let mut layers: Vec<usize> = member_of
                .get(name.as_str())
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            layers.retain(|g| *g != all && Some(*g) != ungrouped);
            let shown: Vec<String> = layers.iter().map(|g| names[*g].to_owned()).collect();
            for group in &shown {
                if let Some(members) = groups.get_mut(group) {
                    members.insert(name.clone());
                }
            }
            if layers.is_empty() {
                layers.extend(ungrouped);
            }
            layers.push(all);
            // Shallow to deep; at one depth alphabetically (names are sorted,
            // so the ids are too): the later wins.
            layers.sort_by_key(|g| (depth[*g], *g));
            let mut vars: BTreeMap<&str, &Var> = BTreeMap::new();
            let own = self.host_vars.get(name);
            for source in layers
                .iter()
                .map(|g| &self.groups[names[*g]].vars)
                .chain(own)
            {
                read_only(&mut vars, source);
            }
            let mut host = FleetHost::named(name, &format!("{}:{line}", self.origin.display()));
            host.groups = shown;
            self.read_vars(&mut host, &vars)?;
            hosts.push(host);
        }
        Ok(Fleet::new(hosts, groups))
    }

    /// Each group's parents; a group no one names as a child is `all`'s.
    fn parents(&self, names: &[&str], id: &HashMap<&str, usize>) -> Vec<Vec<usize>> {
        let mut parents: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        for (p, name) in names.iter().enumerate() {
            for (child, _) in &self.groups[*name].children {
                parents[id[child.as_str()]].push(p);
            }
        }
        let all = id["all"];
        for (g, list) in parents.iter_mut().enumerate() {
            if list.is_empty() && g != all {
                list.push(all);
            }
        }
        parents
    }

    /// The groups with each after all its parents; a loop of children is
    /// an error naming it (found without recursion, however long it is).
    fn top_down(&self, names: &[&str], parents: &[Vec<usize>]) -> Result<Vec<usize>, FleetError> {
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        let mut waiting: Vec<usize> = vec![0; names.len()];
        for (g, list) in parents.iter().enumerate() {
            waiting[g] = list.len();
            for &p in list {
                children[p].push(g);
            }
        }
        let mut ready: Vec<usize> = (0..names.len()).filter(|g| waiting[*g] == 0).collect();
        let mut order = Vec::with_capacity(names.len());
        while let Some(g) = ready.pop() {
            order.push(g);
            for &c in &children[g] {
                waiting[c] -= 1;
                if waiting[c] == 0 {
                    ready.push(c);
                }
            }
        }
        let Some(start) = (0..names.len()).find(|g| waiting[*g] > 0) else {
            return Ok(order);
        };
        // Every group left waits on a parent that is left too: walk up
        // until a group repeats; from there to its repeat is the loop.
        let mut path = vec![start];
        let mut g = start;
        loop {
            g = parents[g]
                .iter()
                .copied()
                .find(|p| waiting[*p] > 0)
                .unwrap_or(start);
            if let Some(at) = path.iter().position(|x| *x == g) {
                // Parent first: the walk went from child to parent.
                let cycle: Vec<&str> = path[at..].iter().rev().map(|i| names[*i]).collect();
                return Err(self.loop_error(&cycle));
            }
            path.push(g);
        }
    }

    /// The error for a loop of children (`cycle`, each group the parent of
    /// the next, the last the parent of the first): told from the edge the
    /// file declares last, the one that closes the loop.
    fn loop_error(&self, cycle: &[&str]) -> FleetError {
        let edge_line = |i: usize| {
            let (parent, child) = (cycle[i], cycle[(i + 1) % cycle.len()]);
            self.groups[parent]
                .children
                .iter()
                .find(|(c, _)| c == child)
                .map_or(self.groups[parent].line, |(_, line)| *line)
        };
        let last = (0..cycle.len()).max_by_key(|i| edge_line(*i)).unwrap_or(0);
        let mut shown: Vec<&str> = cycle[last..]
            .iter()
            .chain(&cycle[..last])
            .copied()
            .collect();
        shown.push(shown[0]);
        self.error(
            edge_line(last),
            format!("children loop back: {}", shown.join(" -> ")),
        )
        .group(shown[0])
    }

    /// Sets `host`'s fields from the variables toolup reads.
    fn read_vars(
        &self,
        host: &mut FleetHost,
        vars: &BTreeMap<&str, &Var>,
    ) -> Result<(), FleetError> {
        let pick = |new: &'static str| pick(vars, new);
        let fail =
            |(var, key): (&Var, &str), message: String| self.error(var.line, message).field(key);
        let text = |found: (&Var, &str)| match &found.0.value {
            Value::Text(t) if is_template(t) => Err(fail(found, TEMPLATE.to_owned())),
            Value::Text(t) => Ok(t.clone()),
            _ => Err(fail(found, "expected a single value".to_owned())),
        };
        if let Some(found) = pick("ansible_host") {
            let address = text(found)?;
            checks::address(&address).map_err(|m| fail(found, m))?;
            host.address = Some(address);
        }
        if let Some(found) = pick("ansible_port") {
            host.port = Some(checks::port_text(&text(found)?).map_err(|m| fail(found, m))?);
        }
        if let Some(found) = pick("ansible_user") {
            let user = text(found)?;
            checks::user(&user).map_err(|m| fail(found, m))?;
            host.user = Some(user);
        }
        if let Some(found) = pick("ansible_ssh_private_key_file") {
            host.identity = Some(checks::identity(&text(found)?).map_err(|m| fail(found, m))?);
        }
        if let Some(found) = pick("toolup_path") {
            let path = text(found)?;
            checks::toolup_path(&path).map_err(|m| fail(found, m))?;
            host.toolup = Some(path);
        }
        if let Some(found) = pick("toolup_approval") {
            host.approval_required = checks::approval(&text(found)?).map_err(|m| fail(found, m))?;
        }
        if let Some(found) = pick("toolup_maintenance") {
            let texts = match &found.0.value {
                Value::Text(t) if is_template(t) => return Err(fail(found, TEMPLATE.to_owned())),
                Value::List(list) if list.iter().any(|t| is_template(t)) => {
                    return Err(fail(found, TEMPLATE.to_owned()));
                }
                Value::Text(t) => checks::split_windows(t),
                Value::List(list) => list.clone(),
                Value::Other => {
                    return Err(fail(found, "expected a list of windows".to_owned()));
                }
            };
            host.maintenance = checks::windows(&texts).map_err(|m| fail(found, m))?;
        }
        Ok(())
    }
}

/// Why a value with a Jinja template is refused.
const TEMPLATE: &str = "holds a template ({{ … }}), which toolup does not evaluate";

/// Whether `text` holds a Jinja expression or statement.
fn is_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// Adds to `into` the variables of `from` that toolup reads.
fn read_only<'v>(into: &mut BTreeMap<&'v str, &'v Var>, from: &'v BTreeMap<String, Var>) {
    for (key, var) in from {
        if READ
            .iter()
            .any(|(new, old)| key == new || Some(key.as_str()) == *old)
        {
            into.insert(key, var);
        }
    }
}

/// The variable `new` (else its older name) and the name it was set by.
fn pick<'v>(vars: &BTreeMap<&str, &'v Var>, new: &'static str) -> Option<(&'v Var, &'static str)> {
    let old = old_name(new);
    vars.get(new)
        .map(|v| (*v, new))
        .or_else(|| vars.get(old).map(|v| (*v, old)))
}

/// The older name of a variable toolup reads (or the name itself).
fn old_name(new: &'static str) -> &'static str {
    READ.iter()
        .find(|(n, _)| *n == new)
        .and_then(|(_, old)| *old)
        .unwrap_or(new)
}
