//! An Ansible INI inventory (`fleet::inventory::parse_ini`): groups,
//! `:children`, `:vars`, ranges and `ansible_*` variables. What it reads
//! is a sound host list (`fleet_hosts::sound`); an error names the file.

use std::path::Path;

use toolup::fleet::inventory::parse_ini;

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let origin = Path::new("/work/inventory.ini");
    super::fleet_hosts::checked(parse_ini(&text, origin), origin);
}
