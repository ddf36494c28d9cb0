//! All integration tests, built into one test binary (as ripgrep does).

#![allow(clippy::disallowed_methods)] // tests start toolup and strace directly

mod ansible;
mod cli_snapshots;
mod commands;
mod completions;
mod deep_nesting;
mod descendants;
mod discovery;
mod fixture_server;
mod fleet;
mod fleet_hosts;
mod fuzz_replay;
mod hints;
mod hostile;
mod inputs;
mod isolation;
mod layers;
mod methods;
mod modules;
mod plugin_example;
mod real_managers;
mod registry_discovery;
mod schedule;
mod secrets;
mod sshd_hosts;
mod sudoers;
mod support;
mod system;
mod trust;
mod upgrade;
mod upstream;
mod version_outputs;
mod widths;
