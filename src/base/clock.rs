//! The wall clock, as toolup writes it everywhere: RFC 3339, UTC, seconds.

use std::time::SystemTime;

/// The current time as RFC 3339 (UTC, seconds).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}
