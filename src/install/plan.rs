//! Planning, pure: from what the audit found, the catalog, the environment
//! and which managers are available, decide what to install or upgrade and
//! how — each action with its manager, exact argv, whether it needs sudo, and
//! why that manager. No I/O happens here.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::base::environment::EnvKind;
use crate::base::names::is_valid_package_name;
use crate::catalog::Tool;
use crate::config::Pin;
use crate::managers::{self, BackupScope, Installer};
use crate::model::{Status, ToolRecord, Version};

/// What to do with a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionKind {
    Install,
    Upgrade,
    Uninstall,
}

impl ActionKind {
    pub fn id(self) -> &'static str {
        match self {
            ActionKind::Install => "install",
            ActionKind::Upgrade => "upgrade",
            ActionKind::Uninstall => "uninstall",
        }
    }
}

/// One planned step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    pub tool: String,
    pub kind: ActionKind,
    pub manager: &'static str,
    pub package: String,
    pub argv: Vec<String>,
    /// Run through sudo (a system manager, not running as root).
    pub sudo: bool,
    pub from_version: Option<String>,
    pub to_version: Option<String>,
    /// A major-version jump (the breaking-change policy applies).
    pub major: bool,
    pub reason: String,
    /// Dependency level: actions of level N run after every action of level N-1
    /// (a tool's `requires` that are in the same plan come first).
    pub level: usize,
    /// The version in the manager's own spelling, when it is not the
    /// upstream one (a system package's `2.14.18-1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_version: Option<String>,
    /// What undoes it if the run must be undone (`--atomic`): shown in the
    /// plan, and exactly what runs.
    pub undo: Undo,
}

/// How an action is undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "argv")]
pub enum Undo {
    /// Put back the files backed up before it (an upgrade).
    RestoreBackup,
    /// Run this argv (`sudo` marked as in the action).
    Run(Vec<String>),
    /// Nothing can undo it.
    None,
}

impl Undo {
    /// One line for the plan table.
    pub fn describe(&self) -> String {
        match self {
            Undo::RestoreBackup => "restore the backup".to_owned(),
            Undo::Run(argv) => argv.join(" "),
            Undo::None => "-".to_owned(),
        }
    }
}

/// The whole plan, and what was left out and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The plan document's version (see docs/json.md).
    pub schema_version: u32,
    pub environment: String,
    pub actions: Vec<Action>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub tool: String,
    pub reason: String,
}

/// What the user asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted {
    pub missing: bool,
    pub outdated: bool,
}

/// Facts from outside that planning needs (gathered by the caller).
pub struct Context<'a> {
    pub environment: EnvKind,
    /// Ids of managers whose program is on PATH.
    pub available: &'a BTreeSet<&'static str>,
    pub is_root: bool,
    /// The user's manager order per ecosystem (`[managers]` in the config).
    pub manager_order: &'a BTreeMap<String, Vec<String>>,
    /// `[tools.NAME] pin` from the config.
    pub pins: &'a BTreeMap<String, Pin>,
    /// `--via MANAGER`: use this manager, whatever installed the copy in use.
    pub via: Option<&'a str>,
}

/// What a manager with its own repository said, by (manager id, package):
/// `Err` when it could not be asked.
pub type Candidates = BTreeMap<(&'static str, String), Result<Candidate, String>>;

pub use crate::managers::Candidate;

/// The (manager, package) pairs whose candidate the plan needs: actions
/// through managers with their own repositories.
pub fn candidate_queries(plan: &Plan) -> Vec<(&'static str, String)> {
    plan.actions
        .iter()
        .filter(|a| {
            managers::installer(a.manager)
                .is_some_and(|m| m.candidate_query(&[&a.package]).is_some())
        })
        .map(|a| (a.manager, a.package.clone()))
        .collect()
}

/// Targets what each system manager can deliver: its candidate, not the
/// upstream release. An upgrade whose manager has nothing newer is skipped
/// and says so (`--via` names the way round it); the argv names the
/// candidate exactly where the manager can.
pub fn settle_candidates(plan: &mut Plan, candidates: &Candidates) {
    let mut kept = Vec::new();
    for mut action in std::mem::take(&mut plan.actions) {
        let Some(manager) = managers::installer(action.manager) else {
            kept.push(action);
            continue;
        };
        let Some(answer) = candidates.get(&(action.manager, action.package.clone())) else {
            kept.push(action);
            continue;
        };
        let upstream = action.to_version.clone();
        let skip = |reason: String| Skipped {
            tool: action.tool.clone(),
            reason,
        };
        let (candidate, installed) = match answer {
            Err(e) => {
                plan.skipped.push(skip(format!(
                    "could not ask {} which version it would install: {e}",
                    manager.id()
                )));
                continue;
            }
            Ok(Candidate {
                candidate: Some(c),
                installed,
            }) => (c.clone(), installed.clone()),
            Ok(_) => {
                plan.skipped.push(skip(format!(
                    "{} has no candidate for {}",
                    manager.id(),
                    action.package
                )));
                continue;
            }
        };
        let offered = manager
            .upstream_of(&candidate)
            .unwrap_or_else(|| candidate.clone());
        // Whether the package's version is the program's (git's is; a cloud
        // SDK's kubectl package is not): only then does the candidate say
        // which version the program will report.
        let tracks = match (installed.as_deref(), action.from_version.as_deref()) {
            (Some(i), Some(from)) => manager
                .upstream_of(i)
                .is_some_and(|i| Version::parse(&i).ok() == Version::parse(from).ok()),
            _ => true,
        };
        let newer = match (action.kind, installed.as_deref(), &action.from_version) {
            (ActionKind::Upgrade, Some(i), _) => i != candidate,
            (ActionKind::Upgrade, None, Some(from)) => matches!(
                (Version::parse(&offered), Version::parse(from)),
                (Ok(o), Ok(f)) if o > f
            ),
            _ => true,
        };
        if !newer {
            let upstream = upstream.map_or_else(String::new, |u| format!(" (upstream {u})"));
            plan.skipped.push(skip(format!(
                "{} has no newer version than {}{upstream}: pass --via MANAGER to take it from another manager",
                manager.id(),
                installed.clone().or_else(|| action.from_version.clone()).unwrap_or_default()
            )));
            continue;
        }
        let pinned = manager.pins_versions().then_some(candidate.as_str());
        action.argv = match action.kind {
            ActionKind::Install => manager.install(&action.package, pinned),
            ActionKind::Upgrade => manager.upgrade(&action.package, pinned),
            ActionKind::Uninstall => action.argv,
        };
        let to_version = tracks.then_some(offered);
        action.major = is_major(action.from_version.as_deref(), to_version.as_deref());
        action.to_version = to_version;
        action.manager_version = Some(candidate);
        kept.push(action);
    }
    plan.actions = kept;
}

/// How an action through `manager` is undone: what the backup scope allows.
fn undo_for(
    manager: &dyn Installer,
    kind: ActionKind,
    package: &str,
    from_version: Option<&str>,
) -> Undo {
    match (kind, manager.backup_scope(), from_version) {
        (ActionKind::Install, _, _) => Undo::Run(manager.uninstall(package)),
        (ActionKind::Uninstall, _, _) => Undo::None,
        (ActionKind::Upgrade, BackupScope::Reinstall, Some(old)) => {
            Undo::Run(manager.install(package, Some(old)))
        }
        (ActionKind::Upgrade, BackupScope::Reinstall | BackupScope::Manager, _) => Undo::None,
        (ActionKind::Upgrade, _, _) => Undo::RestoreBackup,
    }
}

/// A jump in the first release component.
fn is_major(from: Option<&str>, to: Option<&str>) -> bool {
    match (from, to) {
        (Some(a), Some(b)) => {
            matches!((Version::parse(a), Version::parse(b)), (Ok(a), Ok(b)) if b.major() > a.major())
        }
        _ => false,
    }
}

/// Manager preference: a server prefers the system's managers, a
/// workstation (and CI) user-level ones that need no root. An ecosystem the
/// user ordered in the config uses exactly that order, in place.
pub fn preference(
    environment: EnvKind,
    order: &BTreeMap<String, Vec<String>>,
) -> Vec<&'static str> {
    let mut ranked: Vec<&'static dyn Installer> = managers::installers().collect();
    ranked.sort_by_key(|m| m.rank(environment));
    let mut out = Vec::new();
    let mut placed = BTreeSet::new();
    for manager in ranked {
        let ecosystem = manager.ecosystem().id();
        match order.get(ecosystem) {
            Some(custom) => {
                if placed.insert(ecosystem) {
                    out.extend(
                        custom
                            .iter()
                            .filter_map(|m| managers::installer(m))
                            .map(|m| m.id()),
                    );
                }
            }
            None => out.push(manager.id()),
        }
    }
    out
}

/// Plans actions for `tools`, each paired with its audit record.
pub fn plan(tools: &[(&Tool, Option<&ToolRecord>)], wanted: Wanted, cx: &Context<'_>) -> Plan {
    let mut out = Plan {
        schema_version: 1,
        environment: cx.environment.to_string(),
        ..Plan::default()
    };
    for (tool, record) in tools {
        if let Some(reason) = pinned_away(tool, *record, cx) {
            out.skipped.push(skip(tool, &reason));
            continue;
        }
        let status = record.map_or(Status::NotInstalled, |r| r.status);
        let kind = match status {
            Status::NotInstalled if wanted.missing => ActionKind::Install,
            Status::Outdated if wanted.outdated => ActionKind::Upgrade,
            Status::NotInstalled | Status::Outdated | Status::UpToDate => continue,
            Status::Unknown => {
                if wanted.outdated {
                    let why = record.and_then(|r| r.error.clone()).unwrap_or_default();
                    out.skipped
                        .push(skip(tool, &format!("status unknown: {why}")));
                }
                continue;
            }
        };
        match choose(tool, *record, kind, cx) {
            Ok(action) => out.actions.push(action),
            Err(reason) => out.skipped.push(skip(tool, &reason)),
        }
    }
    assign_levels(&mut out.actions, tools);
    out.actions.sort_by_key(|a| a.level);
    out
}

/// Level 0 for actions whose required tools are not in the plan; otherwise
/// one more than the deepest requirement (a cycle is cut where it closes).
fn assign_levels(actions: &mut [Action], tools: &[(&Tool, Option<&ToolRecord>)]) {
    let requires = |name: &str| -> Vec<String> {
        tools
            .iter()
            .find(|(t, _)| t.name() == name)
            .map(|(t, _)| t.spec.requires.clone())
            .unwrap_or_default()
    };
    let planned: BTreeSet<String> = actions.iter().map(|a| a.tool.clone()).collect();
    fn level(
        name: &str,
        requires: &dyn Fn(&str) -> Vec<String>,
        planned: &BTreeSet<String>,
        visiting: &mut Vec<String>,
    ) -> usize {
        if visiting.iter().any(|v| v == name) {
            return 0;
        }
        visiting.push(name.to_owned());
        let deepest = requires(name)
            .iter()
            .filter(|r| planned.contains(*r))
            .map(|r| 1 + level(r, requires, planned, visiting))
            .max()
            .unwrap_or(0);
        visiting.pop();
        deepest
    }
    for action in actions.iter_mut() {
        action.level = level(&action.tool, &requires, &planned, &mut Vec::new());
    }
}

/// Why a pin keeps this tool out of the plan, if it does.
fn pinned_away(tool: &Tool, record: Option<&ToolRecord>, cx: &Context<'_>) -> Option<String> {
    let installed = record
        .and_then(|r| r.installed.as_ref())
        .and_then(|i| i.version.as_deref());
    match cx.pins.get(tool.name())? {
        Pin::Never => Some("pinned: never (config)".to_owned()),
        Pin::Version(v)
            if installed.is_some_and(|i| Version::parse(i).ok() == Version::parse(v).ok()) =>
        {
            Some(format!("pinned at {v} (config), which is installed"))
        }
        Pin::Version(_) => None,
    }
}

fn skip(tool: &Tool, reason: &str) -> Skipped {
    Skipped {
        tool: tool.name().to_owned(),
        reason: reason.to_owned(),
    }
}

fn choose(
    tool: &Tool,
    record: Option<&ToolRecord>,
    kind: ActionKind,
    cx: &Context<'_>,
) -> Result<Action, String> {
    let installed = record.and_then(|r| r.installed.as_ref());
    let from_version = installed.and_then(|i| i.version.clone());
    let pinned = match cx.pins.get(tool.name()) {
        Some(Pin::Version(v)) => Some(v.clone()),
        _ => None,
    };
    let to_version = pinned.clone().or_else(|| {
        record
            .and_then(|r| r.latest.as_ref())
            .map(|l| l.version.clone())
    });
    // An upgrade goes through the manager that installed the copy in use.
    // An upgrade goes through a manager of the kind that installed the copy
    // in use (cargo-binstall may stand in for cargo: same records).
    if let Some(via) = cx.via {
        let m = managers::installer(via).ok_or_else(|| {
            format!(
                "--via {:?}: no such manager{}",
                crate::base::printer::visible(via),
                crate::base::names::did_you_mean(via, managers::installers().map(|m| m.id()))
            )
        })?;
        if !tool.spec.install.contains_key(m.install_key()) {
            return Err(format!(
                "--via {via}: the catalog names no {} package for {}",
                m.install_key(),
                tool.name()
            ));
        }
        if !cx.available.contains(m.id()) {
            return Err(format!("--via {via}: {} is not on PATH", m.program()));
        }
    }
    let via = cx.via.and_then(managers::installer);
    let owner = (kind == ActionKind::Upgrade && via.is_none())
        .then(|| installed.map(|i| i.method))
        .flatten()
        .and_then(|method| {
            preference(cx.environment, cx.manager_order)
                .into_iter()
                .filter_map(managers::installer)
                .find(|m| {
                    m.method() == method
                        && cx.available.contains(m.id())
                        && tool.spec.install.contains_key(m.install_key())
                })
        });
    let (manager, reason) = match via.or(owner) {
        Some(m) if via.is_some() => (m, format!("{}: chosen with --via", m.id())),
        Some(m) => (
            m,
            format!("{}: the manager that installed the copy in use", m.id()),
        ),
        None => {
            let candidates: Vec<&'static dyn Installer> =
                preference(cx.environment, cx.manager_order)
                    .into_iter()
                    .filter_map(managers::installer)
                    .filter(|m| tool.spec.install.contains_key(m.install_key()))
                    .collect();
            if candidates.is_empty() {
                return Err("the catalog names no package for any supported manager".to_owned());
            }
            let names: Vec<&str> = candidates.iter().map(|m| m.id()).collect();
            let chosen = candidates
                .iter()
                .find(|m| cx.available.contains(m.id()))
                .ok_or_else(|| format!("none of {} is available", names.join(", ")))?;
            let ecosystem = chosen.ecosystem().id();
            let reason = format!(
                "{}: first available of {} for a {ecosystem} tool on a {}",
                chosen.id(),
                names.join(", "),
                cx.environment
            );
            (*chosen, reason)
        }
    };
    let package = tool
        .spec
        .install
        .get(manager.install_key())
        .cloned()
        .unwrap_or_default();
    if !is_valid_package_name(&package) {
        return Err(format!(
            "refusing package name {package:?} for {}",
            manager.id()
        ));
    }
    // A tool with an upstream is installed at a version the plan names, or
    // not at all: "whatever the manager resolves" would slip past
    // min_release_age and breaking_changes.
    if to_version.is_none()
        && !tool.upstream.is_none()
        && manager.pins_versions()
        && manager.candidate_query(&[&package]).is_none()
    {
        // The audit says why (unreachable, no address, offline, not cached).
        let why = record
            .and_then(|r| r.error.as_deref())
            .and_then(|e| e.strip_prefix("no latest version known: "))
            .unwrap_or("nothing cached");
        return Err(format!(
            "no latest version of {} is known: {why}",
            tool.name()
        ));
    }
    // The argv names exactly the planned version, so what is shown (and
    // what min_release_age and breaking_changes judged) is what installs.
    let exact = to_version.as_deref().filter(|_| manager.pins_versions());
    let argv = match kind {
        ActionKind::Install => manager.install(&package, exact),
        ActionKind::Upgrade => manager.upgrade(&package, exact),
        ActionKind::Uninstall => manager.uninstall(&package),
    };
    let major = is_major(from_version.as_deref(), to_version.as_deref());
    let undo = undo_for(manager, kind, &package, from_version.as_deref());
    Ok(Action {
        tool: tool.name().to_owned(),
        kind,
        manager: manager.id(),
        package,
        argv,
        sudo: manager.needs_sudo() && !cx.is_root,
        from_version,
        to_version,
        major,
        reason,
        level: 0,
        manager_version: None,
        undo,
    })
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;
    use crate::catalog::{CatalogSource, load_catalog};

    static NO_ORDER: BTreeMap<String, Vec<String>> = BTreeMap::new();
    static NO_PINS: BTreeMap<String, Pin> = BTreeMap::new();

    fn ctx<'a>(environment: EnvKind, available: &'a BTreeSet<&'static str>) -> Context<'a> {
        Context {
            environment,
            available,
            is_root: false,
            manager_order: &NO_ORDER,
            pins: &NO_PINS,
            via: None,
        }
    }

    #[test]
    fn a_configured_order_replaces_the_ecosystem_in_place() {
        let order: BTreeMap<String, Vec<String>> = [(
            "python".to_owned(),
            vec!["pipx".to_owned(), "uv".to_owned()],
        )]
        .into();
        let list = preference(EnvKind::Workstation, &order);
        assert_eq!(&list[..3], ["pipx", "uv", "npm"]);
        assert!(!list.contains(&"pip"));
    }

    #[test]
    fn required_tools_come_a_level_earlier() {
        let dir = tempfile::tempdir().unwrap();
        for (name, requires) in [("tuapp", "requires = [\"turuntime\"]\n"), ("turuntime", "")] {
            let text = format!(
                "name = \"{name}\"\ndescription = \"t\"\ncategory = \"t\"\nbins = [\"{name}\"]\nupstream = \"none\"\n{requires}[install]\nnpm = \"{name}\"\n"
            );
            std::fs::write(dir.path().join(format!("{name}.toml")), text).unwrap();
        }
        let catalog = load_catalog(&CatalogSource {
            replace: Some(dir.path().to_path_buf()),
            ..CatalogSource::default()
        })
        .unwrap();
        let tools: Vec<_> = catalog.tools.iter().map(|t| (t, None)).collect();
        let available: BTreeSet<&'static str> = ["npm"].into_iter().collect();
        let p = plan(
            &tools,
            Wanted {
                missing: true,
                outdated: false,
            },
            &ctx(EnvKind::Ci, &available),
        );
        let order: Vec<(&str, usize)> = p
            .actions
            .iter()
            .map(|a| (a.tool.as_str(), a.level))
            .collect();
        assert_eq!(order, [("turuntime", 0), ("tuapp", 1)]);
    }

    #[test]
    fn pins_hold_or_skip() {
        let catalog = load_catalog(&CatalogSource::default()).unwrap();
        let rg = catalog.get("ripgrep").unwrap();
        let available: BTreeSet<&'static str> = ["cargo"].into_iter().collect();
        let pins: BTreeMap<String, Pin> =
            [("ripgrep".to_owned(), Pin::Version("13.0.0".to_owned()))].into();
        let cx = Context {
            pins: &pins,
            ..ctx(EnvKind::Workstation, &available)
        };
        let p = plan(
            &[(rg, None)],
            Wanted {
                missing: true,
                outdated: true,
            },
            &cx,
        );
        assert_eq!(
            p.actions[0].argv,
            [
                "cargo",
                "install",
                "--locked",
                "ripgrep",
                "--version",
                "13.0.0"
            ]
        );
        let never: BTreeMap<String, Pin> = [("ripgrep".to_owned(), Pin::Never)].into();
        let cx = Context {
            pins: &never,
            ..ctx(EnvKind::Workstation, &available)
        };
        let p = plan(
            &[(rg, None)],
            Wanted {
                missing: true,
                outdated: true,
            },
            &cx,
        );
        assert!(p.actions.is_empty() && p.skipped[0].reason.starts_with("pinned: never"));
    }

    #[test]
    fn the_environment_changes_the_manager() {
        let catalog = load_catalog(&CatalogSource::default()).unwrap();
        let rg = catalog.get("ripgrep").unwrap();
        let available: BTreeSet<&'static str> = ["cargo", "apt"].into_iter().collect();
        let wanted = Wanted {
            missing: true,
            outdated: false,
        };
        let on_server = plan(&[(rg, None)], wanted, &ctx(EnvKind::Server, &available));
        assert_eq!(on_server.actions[0].manager, "apt");
        assert!(on_server.actions[0].sudo);
        assert_eq!(
            on_server.actions[0].argv,
            [
                "apt-get",
                "install",
                "--yes",
                "--no-install-recommends",
                "ripgrep"
            ]
        );
        let known = ToolRecord {
            name: "ripgrep".into(),
            category: "search".into(),
            status: Status::NotInstalled,
            installed: None,
            installations: Vec::new(),
            latest: Some(crate::model::Latest {
                version: "15.2.0".into(),
                source: "crates:ripgrep".into(),
                from: crate::model::LatestFrom::Cache,
                fetched_at: None,
                stale: false,
            }),
            error: None,
            notes: Vec::new(),
        };
        let unknown = plan(
            &[(rg, None)],
            wanted,
            &ctx(EnvKind::Workstation, &available),
        );
        assert!(
            unknown.actions.is_empty()
                && unknown.skipped[0]
                    .reason
                    .contains("no latest version of ripgrep is known"),
            "{unknown:?}"
        );
        let on_workstation = plan(
            &[(rg, Some(&known))],
            wanted,
            &ctx(EnvKind::Workstation, &available),
        );
        assert_eq!(on_workstation.actions[0].manager, "cargo");
        assert_eq!(
            on_workstation.actions[0].argv,
            [
                "cargo",
                "install",
                "--locked",
                "ripgrep",
                "--version",
                "15.2.0"
            ]
        );
        assert!(!on_workstation.actions[0].sudo);
        assert!(
            on_workstation.actions[0]
                .reason
                .contains("first available of cargo-binstall, cargo, brew, apt"),
            "{}",
            on_workstation.actions[0].reason
        );
    }

    #[test]
    fn nothing_available_is_a_reasoned_skip() {
        let catalog = load_catalog(&CatalogSource::default()).unwrap();
        let ruff = catalog.get("ruff").unwrap();
        let none = BTreeSet::new();
        let p = plan(
            &[(ruff, None)],
            Wanted {
                missing: true,
                outdated: true,
            },
            &ctx(EnvKind::Ci, &none),
        );
        assert!(p.actions.is_empty());
        assert!(
            p.skipped[0]
                .reason
                .contains("none of uv, pipx, pip, brew is available"),
            "{:?}",
            p.skipped
        );
    }
}
