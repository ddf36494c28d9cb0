//! toolup's host list, `hosts.toml` (`fleet::hosts::parse`). A list read
//! holds only hosts ssh can be pointed at safely: each name, address and
//! user passes its check, no destination starts with `-` (ssh would read
//! it as an option), names are unique, every group's members are hosts of
//! the list, and each host says where it was defined; an error names the
//! file. The inventory targets check what they read the same way (`sound`).

use std::path::Path;

use toolup::fleet::{Fleet, FleetError, checks, hosts};

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let origin = Path::new("/config/toolup/hosts.toml");
    checked(hosts::parse(&text, origin), origin);
}

/// A host list read from `origin` is sound; an error names `origin`.
pub fn checked(read: Result<Fleet, FleetError>, origin: &Path) {
    match read {
        Ok(fleet) => sound(&fleet, origin),
        Err(e) => assert_eq!(e.file, origin, "{e}"),
    }
}

/// What every host list read must be, whatever its format.
pub fn sound(fleet: &Fleet, origin: &Path) {
    let mut names = std::collections::BTreeSet::new();
    for host in &fleet.hosts {
        checks::host_name(&host.name).unwrap_or_else(|e| panic!("{e}"));
        assert!(names.insert(host.name.as_str()), "{} twice", host.name);
        if let Some(address) = &host.address {
            checks::address(address).unwrap_or_else(|e| panic!("{e}"));
        }
        if let Some(user) = &host.user {
            checks::user(user).unwrap_or_else(|e| panic!("{e}"));
        }
        let destination = host.destination();
        assert!(
            !destination.starts_with('-') && !destination.chars().any(char::is_whitespace),
            "{destination:?}"
        );
        assert!(
            host.origin.starts_with(&*origin.to_string_lossy()),
            "{}: defined at {:?}",
            host.name,
            host.origin
        );
        for group in &host.groups {
            checks::group_name(group).unwrap_or_else(|e| panic!("{e}"));
        }
        checks::windows(&host.maintenance).unwrap_or_else(|e| panic!("{}: {e}", host.name));
    }
    for (group, members) in &fleet.groups {
        for member in members {
            assert!(names.contains(member.as_str()), "group {group} has {member}, no host");
        }
    }
    assert_eq!(fleet.groups.get("all").map(|g| g.len()), Some(names.len()));
}
