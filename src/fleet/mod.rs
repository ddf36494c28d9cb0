//! Many hosts: hosts from `hosts.toml` or an Ansible inventory, reached
//! with the system `ssh`, each running its own toolup with `--format json`
//! and streaming its events back; the controller merges them into one
//! report and records each host's phases under the host's name.

pub mod checks;
pub mod error;
pub mod hosts;
pub mod inventory;

pub use error::{FleetError, Subject};
pub use hosts::{Fleet, FleetHost};
