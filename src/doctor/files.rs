//! toolup's own files: the snapshot, the caches and the embedded baseline,
//! with their paths and ages; a file that cannot be read back or a directory
//! that cannot be written is named with its fix.

use std::path::Path;
use std::time::{Duration, SystemTime};

use super::{Finding, Health};
use crate::base::text::human_bytes;
use crate::settings::Settings;
use crate::upstream::{EMBEDDED_BASELINE, LatestVersions};

pub fn check(settings: &Settings) -> Vec<Finding> {
    let mut out = vec![file(
        "snapshot",
        &settings.snapshot_path,
        "run `toolup audit` to write it",
        Format::Json,
    )];
    match &settings.dirs {
        Some(dirs) => {
            out.push(file(
                "latest-version cache",
                &dirs.latest_cache(),
                "filled by the next online `toolup audit` or `toolup latest`",
                Format::LatestVersions,
            ));
            out.push(file(
                "probe cache",
                &dirs.probe_cache(),
                "filled by the next `toolup audit`",
                Format::Json,
            ));
            out.push(file(
                "registry address cache",
                &dirs.cache.join(crate::upstream::addresses::ANSWERS_FILE),
                "filled when a client is first asked",
                Format::Json,
            ));
            for (what, dir) in [
                ("cache directory", &dirs.cache),
                ("state directory", &dirs.state),
            ] {
                if let Some(f) = unwritable(what, dir) {
                    out.push(f);
                }
            }
        }
        None => out.push(
            Finding::new(
                "files",
                "cache and state directories",
                Health::Broken,
                "no home directory is known, so toolup keeps no cache or history",
            )
            .fix("set HOME"),
        ),
    }
    out.push(baseline());
    out
}

#[derive(Clone, Copy)]
enum Format {
    Json,
    LatestVersions,
}

fn file(subject: &str, path: &Path, when_absent: &str, format: Format) -> Finding {
    let shown = path.display().to_string();
    let Ok(meta) = std::fs::metadata(path) else {
        return Finding::new(
            "files",
            subject,
            Health::Ok,
            format!("{shown}: not written yet ({when_absent})"),
        );
    };
    let age = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .map_or_else(|| "age unknown".to_owned(), |d| format!("{} old", age(d)));
    let readable = crate::state::read_file(path, 256 * crate::state::MIB)
        .map_err(|e| e.why.to_string())
        .and_then(|bytes| match format {
            Format::Json => serde_json::from_slice::<serde::de::IgnoredAny>(&bytes)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Format::LatestVersions => LatestVersions::parse(&String::from_utf8_lossy(&bytes))
                .map(|_| ())
                .map_err(|e| e.to_string()),
        });
    let size = human_bytes(meta.len());
    match readable {
        Ok(()) => Finding::new(
            "files",
            subject,
            Health::Ok,
            format!("{shown} ({size}, {age})"),
        ),
        Err(e) => Finding::new(
            "files",
            subject,
            Health::Warn,
            format!("{shown} cannot be read back: {e}"),
        )
        .fix(format!("delete {shown}; toolup writes it again")),
    }
}

/// A directory toolup must write to but cannot.
fn unwritable(what: &str, dir: &Path) -> Option<Finding> {
    let probe = dir
        .exists()
        .then_some(dir)
        .or_else(|| dir.ancestors().find(|a| a.exists()))?;
    let c = std::ffi::CString::new(probe.as_os_str().as_encoded_bytes()).ok()?;
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    let writable = unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0;
    (!writable).then(|| {
        Finding::new(
            "files",
            what,
            Health::Broken,
            format!("{} is not writable by this user", probe.display()),
        )
        .fix(format!("give this user write access to {}", dir.display()))
    })
}

/// The baseline compiled into this binary and how old it is.
fn baseline() -> Finding {
    let base = LatestVersions::parse(EMBEDDED_BASELINE).unwrap_or_default();
    let newest = base.fetched_at.values().max().cloned();
    let detail = match newest {
        Some(date) => format!(
            "{} latest versions compiled in, fetched up to {date}",
            base.versions.len()
        ),
        None => "empty".to_owned(),
    };
    Finding::new("files", "baseline (embedded)", Health::Ok, detail)
}

/// A duration in its largest whole unit (`3 days`, `5 h`, `12 min`).
fn age(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 => format!("{} h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}
