//! toolup: audit and reconcile the developer tools on a machine.
//!
//! Data flows one way (DESIGN.md): catalog → discover (local) + upstream
//! (caches) → collect → snapshot → state (atomic store) → render.

pub mod catalog;
pub mod cli;
pub mod collect;
pub mod color;
pub mod config;
pub mod discover;
pub mod doctor;
pub mod env_vars;
pub mod environment;
pub mod exec;
pub mod install;
pub mod model;
pub mod modules;
pub mod plan;
pub mod printer;
pub mod render;
pub mod runner;
pub mod secrets;
pub mod settings;
pub mod state;
pub mod system;
pub mod toml_location;
pub mod upstream;
