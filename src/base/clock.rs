//! The wall clock, as toolup writes it everywhere: RFC 3339, UTC, seconds.

use std::time::SystemTime;

/// The current time as RFC 3339 (UTC, seconds).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Unix seconds as RFC 3339 (UTC, seconds), as a server gives them (a
/// rate limit's reset); `None` for a time past what a date can say (after
/// the year 9999), never a panic.
pub fn unix_rfc3339(secs: u64) -> Option<String> {
    use std::fmt::Write;
    let at = SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))?;
    let mut out = String::new();
    write!(out, "{}", humantime::format_rfc3339_seconds(at)).ok()?;
    Some(out)
}

/// The time `ago` before now as RFC 3339 (UTC, seconds): when something
/// that took `ago` started.
pub fn rfc3339_ago(ago: std::time::Duration) -> String {
    rfc3339_before(SystemTime::now(), ago)
}

/// The time `ago` before `at` as RFC 3339 (UTC, seconds): when something
/// that ended at `at` after `ago` started, however long its news took to
/// be written down.
pub fn rfc3339_before(at: SystemTime, ago: std::time::Duration) -> String {
    let then = at.checked_sub(ago).unwrap_or(SystemTime::UNIX_EPOCH);
    humantime::format_rfc3339_seconds(then).to_string()
}
