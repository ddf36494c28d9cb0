//! An Ansible YAML inventory (`fleet::inventory::parse_yaml`, read with
//! saphyr-parser within an alias and depth budget). What it reads is a
//! sound host list (`fleet_hosts::sound`); an error names the file.

use std::path::Path;

use toolup::fleet::inventory::parse_yaml;

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let origin = Path::new("/work/inventory.yml");
    super::fleet_hosts::checked(parse_yaml(&text, origin), origin);
}
