//! Which host list a command uses, read and selected from: `hosts.toml`
//! in the config dir, or an Ansible inventory given with `--inventory`
//! (which replaces `hosts.toml`'s hosts while its `[ssh]` section still
//! applies); then the names and `--limit` the command was given.

use std::path::{Path, PathBuf};

use super::error::FleetError;
use super::hosts::{self, Fleet, FleetHost, MAX_FILE_BYTES};
use super::{inventory, select};

/// What a fleet command was asked to act on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection<'a> {
    /// Host names and `@group`s; none is every host.
    pub hosts: &'a [String],
    /// An Ansible inventory to use instead of `hosts.toml`'s hosts.
    pub inventory: Option<&'a Path>,
    /// Ansible host patterns narrowing the choice.
    pub limit: Option<&'a str>,
}

/// The hosts chosen, and how to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub hosts: Vec<FleetHost>,
    /// `[ssh] config`, for ssh's -F.
    pub ssh_config: Option<PathBuf>,
    /// Where `hosts.toml` is (or would be).
    pub hosts_file: Option<PathBuf>,
    /// Whether any host list was found (`hosts.toml` or an inventory).
    pub defined: bool,
}

/// Why nothing could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    /// A host list is unreadable or wrong.
    #[error(transparent)]
    File(#[from] FleetError),
    /// A name or pattern names nothing.
    #[error("{0}")]
    Hosts(String),
}

/// Where `hosts.toml` lives in the config dir.
pub fn hosts_file(config_dir: &Path) -> PathBuf {
    config_dir.join(hosts::FILE_NAME)
}

/// A host list's text: a regular file within the size cap, in UTF-8.
pub fn read(path: &Path) -> Result<String, FleetError> {
    let bytes = crate::state::read_bounded(path, MAX_FILE_BYTES as u64).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            hosts::too_big(path)
        } else {
            FleetError::file(path, format!("cannot read: {e}"))
        }
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let line = hosts::line_at(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        FleetError::at(path, line, "not UTF-8 text")
    })
}

/// The fleet `hosts_file` and `inventory` describe, `~` made the home
/// directory; none when neither exists.
pub fn load(
    hosts_file: Option<&Path>,
    inventory: Option<&Path>,
) -> Result<Option<Fleet>, FleetError> {
    let own = match hosts_file.filter(|f| f.exists()) {
        Some(file) => Some(hosts::parse(&read(file)?, file)?),
        None => None,
    };
    let mut fleet = match (inventory, own) {
        (Some(file), own) => {
            let mut fleet = inventory::parse(&read(file)?, file)?;
            fleet.ssh_config = own.and_then(|o| o.ssh_config);
            fleet
        }
        (None, Some(own)) => own,
        (None, None) => return Ok(None),
    };
    if let Some(dirs) = directories::BaseDirs::new() {
        fleet.expand_home(dirs.home_dir());
    }
    Ok(Some(fleet))
}

/// The hosts `selection` chooses from the host list of `config_dir`.
pub fn choose(
    config_dir: Option<&Path>,
    selection: &Selection<'_>,
) -> Result<Selected, SelectError> {
    let hosts_file = config_dir.map(hosts_file);
    let fleet = load(hosts_file.as_deref(), selection.inventory)?;
    let defined = fleet.is_some();
    let fleet = fleet.unwrap_or_default();
    let unknown = selection
        .hosts
        .iter()
        .any(|n| !n.starts_with('@') && !fleet.hosts.iter().any(|h| &h.name == n));
    // The ssh config is read only for a name no host list defines.
    let aliases = if unknown {
        select::ssh_aliases(fleet.ssh_config.as_deref())
    } else {
        Vec::new()
    };
    let hosts =
        select::select(&fleet, selection.hosts, selection.limit, &aliases).map_err(|m| {
            match (&hosts_file, defined) {
                (Some(file), false) => SelectError::Hosts(format!(
                    "{m} (there is no host list: write {} or pass --inventory FILE)",
                    file.display()
                )),
                _ => SelectError::Hosts(m),
            }
        })?;
    Ok(Selected {
        hosts,
        ssh_config: fleet.ssh_config,
        hosts_file,
        defined,
    })
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    #[test]
    fn an_inventory_replaces_the_hosts_but_not_the_ssh_section() {
        let dir = tempfile::tempdir().unwrap();
        let toml = dir.path().join("hosts.toml");
        std::fs::write(&toml, "[ssh]\nconfig = \"/etc/fleet_ssh\"\n[hosts.own]\n").unwrap();
        let ini = dir.path().join("inv.ini");
        std::fs::write(&ini, "[web]\nw1\n").unwrap();
        let fleet = load(Some(&toml), Some(&ini)).unwrap().unwrap();
        assert_eq!(fleet.hosts.len(), 1);
        assert_eq!(fleet.hosts[0].name, "w1");
        assert_eq!(
            fleet.ssh_config.as_deref(),
            Some(Path::new("/etc/fleet_ssh"))
        );
        assert_eq!(
            load(Some(&dir.path().join("none.toml")), None).unwrap(),
            None
        );
    }

    #[test]
    fn unreadable_big_and_binary_files_are_errors_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.ini");
        let e = load(None, Some(&missing)).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}: cannot read", missing.display())),
            "{e}"
        );
        let big = dir.path().join("big.ini");
        std::fs::write(&big, vec![b'#'; MAX_FILE_BYTES + 1]).unwrap();
        let e = load(None, Some(&big)).unwrap_err().to_string();
        assert!(e.contains("big.ini: larger than 4 MiB"), "{e}");
        let binary = dir.path().join("bin.ini");
        std::fs::write(&binary, b"[web]\nw1\n\xff\n").unwrap();
        let e = load(None, Some(&binary)).unwrap_err().to_string();
        assert!(e.contains("bin.ini:3: not UTF-8"), "{e}");
    }

    #[test]
    fn without_a_host_list_a_named_host_says_how_to_make_one() {
        let dir = tempfile::tempdir().unwrap();
        let chosen = choose(Some(dir.path()), &Selection::default()).unwrap();
        assert!(!chosen.defined && chosen.hosts.is_empty());
        let names = ["nowhere-host".to_owned()];
        let selection = Selection {
            hosts: &names,
            ..Selection::default()
        };
        let e = choose(Some(dir.path()), &selection)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no host `nowhere-host`") && e.contains("hosts.toml or pass --inventory"),
            "{e}"
        );
    }
}
