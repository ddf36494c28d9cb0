//! The data toolup passes between its stages: versions, statuses, install
//! methods and the snapshot document (DESIGN.md, "Contracts").

mod method;
pub mod package_name;
mod snapshot;
mod status;
mod verdict;
mod version;

pub use method::Method;
pub use snapshot::{
    Counts, Durations, Host, Installation, Latest, LatestFrom, Meta, SCHEMA_VERSION, Snapshot,
    ToolRecord, VersionSource,
};
pub use status::Status;
pub use verdict::Verdict;
pub use version::{Version, VersionError};
