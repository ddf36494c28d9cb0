//! Updaters whose manager cannot say what is newer (cargo, pipx, uv): what
//! is installed, read from the manager, against the registries through
//! toolup's own upstream layer.

use super::{CheckContext, Pending};

/// Runs `argv`, reads `(package, version)` pairs from its output with
/// `installed`, and compares each with `kind:package`'s latest version.
pub(super) fn check_against(
    cx: &CheckContext<'_>,
    argv: &[String],
    kind: &str,
    installed: impl Fn(&str) -> Result<Vec<(String, String)>, String>,
) -> Result<Vec<Pending>, String> {
    let out = cx.run(argv)?;
    if out.code != 0 {
        return Err(format!(
            "`{}` exited {}: {}",
            argv.join(" "),
            out.code,
            out.stderr.trim()
        ));
    }
    let packages = installed(&out.stdout)?;
    let specs: Vec<String> = packages
        .iter()
        .map(|(n, _)| format!("{kind}:{n}"))
        .collect();
    newer(packages.iter().zip((cx.latest)(&specs)))
}

/// The pending updates among `(name, installed)` paired with the latest
/// version answers; an answer that failed for every package is the check's
/// error, a failure for some is skipped.
pub(super) fn newer<'a>(
    pairs: impl Iterator<Item = (&'a (String, String), Result<String, String>)>,
) -> Result<Vec<Pending>, String> {
    use crate::model::Version;
    let mut pending = Vec::new();
    let mut failures = Vec::new();
    let mut asked = 0;
    for ((name, current), latest) in pairs {
        asked += 1;
        match latest {
            Ok(latest) => {
                if let (Ok(now), Ok(new)) = (Version::parse(current), Version::parse(&latest))
                    && new > now
                {
                    pending.push(Pending::new(name, Some(current), Some(&latest)));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    if asked > 0 && failures.len() == asked {
        return Err(failures.join("; "));
    }
    Ok(pending)
}
