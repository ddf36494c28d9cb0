//! Whole-system updates: the updaters (apt, npm -g, rustup, …) behind one
//! small trait, and `toolup system check`, which asks every applicable
//! updater what is pending — read-only, side by side — before anything is
//! touched.

pub mod check;
pub mod reboot;
pub mod updater;
pub mod updaters;

pub use check::{CheckReport, UpdaterCheck};
pub use updater::{CheckContext, Host, Pending, Phase, Updater};
