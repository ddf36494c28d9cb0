//! The state layer: the only code that writes files (clippy bans the
//! back ways). Atomic writes and bounded reads, the platform directories,
//! the one lock type, small tree changes, backups, the history store and
//! journals, the snapshot store.

#![allow(clippy::disallowed_methods)] // the one room that writes files

mod atomic;
pub mod backup;
mod dirs;
pub mod files;
pub mod history;
pub mod journal;
pub mod lock;
pub mod names;
mod read;
pub mod scheduled;
mod snapshot_store;
pub mod store;
pub mod tree;

pub use atomic::{
    Staged, append_private, read_bounded, scratch, set_aside, write_atomic, write_private,
};
pub use dirs::AppDirs;
pub use read::{KIB, MIB, ReadError, Why, open_regular, read_file, read_text};
pub use snapshot_store::{SnapshotError, load_snapshot, save_snapshot};
