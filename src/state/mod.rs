//! The state layer: the only code that writes files. Atomic writes, the
//! platform directories, the snapshot store and the probe cache's persistence.

mod atomic;
pub mod backup;
mod dirs;
pub mod history;
pub mod journal;
pub mod lock;
mod snapshot_store;
pub mod store;
pub mod tree;

pub use atomic::{Staged, read_bounded, scratch, set_aside, write_atomic, write_private};
pub use dirs::AppDirs;
pub use snapshot_store::{SnapshotError, load_snapshot, save_snapshot};
