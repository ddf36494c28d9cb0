//! toolup: audit and reconcile the developer tools on a machine, and keep
//! the whole system current.
//!
//! The layers, top to bottom, are listed in docs/architecture.md; an import
//! never climbs (tests/integration/layers.rs holds the house to it).

pub mod audit;
pub mod base;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod doctor;
pub mod exec;
pub mod fleet;
pub mod install;
pub mod managers;
pub mod model;
pub mod modules;
pub mod render;
pub mod runner;
pub mod schedule;
pub mod settings;
pub mod state;
pub mod system;
pub mod upstream;
