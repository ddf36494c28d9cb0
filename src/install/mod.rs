//! The install transaction: from what the user asked to a plan (pure
//! planning over what the audit found), then each action carried out
//! through the runner — backed up first, recorded before it runs, its
//! manager run through `exec`, the result proved by running the tool, put
//! back when it fails or is interrupted — and undone, rolled back or
//! recovered later. `upgrade`, `install`, `reconcile`, `rollback` and the
//! system update's catalog job all come here.

mod apply;
mod backup_items;
pub mod plan;
mod reconcile;
mod recover;
mod request;
mod rollback;
mod run;
mod verify;

pub use apply::{execute, history_entry};
pub use plan::{Action, ActionKind, Plan, Skipped, Undo, Wanted};
pub use reconcile::{Reconciliation, SYSTEM_CRITICAL, reconcile, reconciliations, remove};
pub use recover::recover_interrupted;
pub use request::{Ask, Request, available_managers, outdated, prepare, refresh_snapshot, tools};
pub use rollback::rollback;
pub use run::{full_argv, run_manager, undo_command};
pub use verify::verify_runs;
