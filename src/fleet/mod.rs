//! Many hosts: hosts from `hosts.toml` or an Ansible inventory, reached
//! with the system `ssh`, each running its own toolup with `--format json`
//! and streaming its events back; the controller merges them into one
//! report and records each host's phases under the host's name.
//!
//! The host list: `hosts` (the model and `hosts.toml`), `inventory`
//! (Ansible's INI and YAML), `checks` (what each field may hold), `load`
//! (which list applies, read within bounds), `select` (names, `@group`s,
//! ssh config aliases and `--limit` patterns), `ssh_config` (the aliases; wildcards are `base::wildcard`).
//!
//! A run: `ssh` (the transport: one master connection per host, sessions
//! over it), `remote` (the command lines a host's shell runs: probe, push,
//! toolup), `stream` (a host's events read and tagged), `host_run` (one
//! host, start to end), `run` (the hosts side by side, journaled),
//! `journal` (a run's record, for `--resume` and `fleet status`),
//! `report` (the merged result).

pub mod checks;
pub mod error;
pub mod host_run;
pub mod hosts;
pub mod inventory;
pub mod journal;
pub mod load;
pub mod remote;
pub mod report;
pub mod run;
pub mod select;
pub mod ssh;
pub mod ssh_config;
pub mod stream;

pub use error::{FleetError, Subject};
pub use hosts::{Fleet, FleetHost};
pub use load::{SelectError, Selected, Selection, choose};
