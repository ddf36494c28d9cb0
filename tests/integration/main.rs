//! All integration tests, built into one test binary (as ripgrep does).

mod commands;
mod discovery;
mod methods;
mod support;
mod version_outputs;
