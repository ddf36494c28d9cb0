//! The wall clock, as toolup writes it everywhere: RFC 3339, UTC, seconds.

use std::time::SystemTime;

/// The current time as RFC 3339 (UTC, seconds).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// The time `ago` before now as RFC 3339 (UTC, seconds): when something
/// that took `ago` started.
pub fn rfc3339_ago(ago: std::time::Duration) -> String {
    let then = SystemTime::now()
        .checked_sub(ago)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    humantime::format_rfc3339_seconds(then).to_string()
}
