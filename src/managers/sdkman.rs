//! SDKMAN!: `sdk` is a shell function, so the check sources SDKMAN's own
//! init script in bash — a fixed script, the path passed as an argument —
//! and reads `sdk outdated`: `java (17.0.1-tem < 21.0.2-tem)` per candidate.
//! `sdk upgrade` asks before each candidate; with no stdin it would stop at
//! the first question, so the update runs with `sdkman_auto_answer=true`
//! (set after SDKMAN's own config is read, which would reset it).

use std::path::PathBuf;

use super::{CheckContext, Manager, Pending, Phase, Stage, Updater, argv};
use crate::base::host::Host;

pub struct Sdkman;

impl Manager for Sdkman {
    fn id(&self) -> &'static str {
        "sdkman"
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

fn init_script(host: &Host) -> Option<PathBuf> {
    let dir = std::env::var_os("SDKMAN_DIR")
        .map(PathBuf::from)
        .or_else(|| host.home.as_ref().map(|h| h.join(".sdkman")))?;
    Some(dir.join("bin/sdkman-init.sh")).filter(|p| p.is_file())
}

/// Runs `sdk ARGS…` with SDKMAN loaded; the script text never changes.
fn sdk(host: &Host, args: &[&str]) -> Vec<String> {
    sdk_with(host, "source \"$1\" && shift && sdk \"$@\"", args)
}

/// Like `sdk`, answering yes to every question `sdk` asks.
fn sdk_answering_yes(host: &Host, args: &[&str]) -> Vec<String> {
    sdk_with(
        host,
        "source \"$1\" && shift && sdkman_auto_answer=true && sdk \"$@\"",
        args,
    )
}

/// The init script's path is passed to bash as text: one that is not
/// UTF-8 is passed as nothing (`source ""` fails) rather than as text that
/// names another file; the check says why.
fn sdk_with(host: &Host, script: &str, args: &[&str]) -> Vec<String> {
    let init = init_script(host)
        .and_then(|p| crate::base::paths::as_text(&p).ok().map(str::to_owned))
        .unwrap_or_default();
    let mut out = argv(&["bash", "-c", script, "sdk", &init]);
    out.extend(args.iter().map(|a| (*a).to_owned()));
    out
}

impl Updater for Sdkman {
    fn stage(&self) -> Stage {
        Stage::Toolchain
    }
    fn program(&self) -> &'static str {
        "bash"
    }
    fn applies(&self, host: &Host) -> bool {
        host.which("bash").is_some() && init_script(host).is_some()
    }
    fn check_argv(&self) -> Vec<String> {
        sdk(&Host::current(), &["outdated"])
    }
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        if let Some(init) = init_script(cx.host) {
            crate::base::paths::as_text(&init)?;
        }
        let out = cx.run(&sdk(cx.host, &["outdated"]))?;
        if out.code != 0 {
            return Err(format!(
                "`sdk outdated` exited {}: {}",
                out.code,
                out.stderr.trim()
            ));
        }
        self.parse(&out.stdout)
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(super::gem::older_than(stdout))
    }
    fn update_argv(&self) -> Vec<String> {
        sdk_answering_yes(&Host::current(), &["upgrade"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["system:network"],
            Phase::Update => vec!["runtime:jvm"],
        }
    }
}
