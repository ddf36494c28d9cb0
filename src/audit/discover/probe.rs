//! Running a tool with its version arguments and reading the answer.

use std::path::Path;
use std::time::Duration;

use super::parse::{extract_version, first_line};
use crate::base::text::clean_output;
use crate::catalog::Tool;
use crate::exec::{ProcessRequest, run};

/// Bytes of each stream kept from a probe: version banners are short, and a
/// tool that prints megabytes must not make toolup hold them.
const MAX_CAPTURE: usize = 64 * 1024;

/// What a probe learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeOutcome {
    Version {
        version: String,
    },
    /// The output does not match the tool's identity pattern: another program with this name.
    Impostor {
        line: String,
    },
    /// It ran, but printed nothing that reads as a version.
    NoVersion {
        line: String,
    },
    TimedOut,
    Failed(String),
}

/// Runs `program` with the tool's version arguments and interprets the output.
pub fn probe(tool: &Tool, program: &Path, timeout: Duration) -> ProbeOutcome {
    let output = match run_version(tool, program, timeout) {
        Ok(o) => o,
        Err(e) => return ProbeOutcome::Failed(format!("cannot run {}: {e}", program.display())),
    };
    tracing::debug!(tool = tool.name(), program = %program.display(), elapsed_ms = output.elapsed.as_millis() as u64, "probe");
    if output.timed_out {
        return ProbeOutcome::TimedOut;
    }
    interpret(tool, &clean_output(&output.stdout, &output.stderr))
}

/// Runs the tool at `program` and demands that it starts, exits 0 and
/// reports a version `accept` takes: how an upgrade and a restore are
/// verified (a record such as `package.json` can say a version while the
/// program itself is broken).
pub fn verify(
    tool: &Tool,
    program: &Path,
    timeout: Duration,
    accept: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let args = tool.version_args();
    let output = run_version(tool, program, timeout)
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let text = clean_output(&output.stdout, &output.stderr);
    let shown = format!("`{} {}`", program.display(), args.join(" "));
    if output.timed_out {
        return Err(format!("{shown} did not finish"));
    }
    if !output.status.is_some_and(|s| s.success()) {
        return Err(format!(
            "{shown} fails: {}",
            crate::base::printer::visible(&first_line(&text))
        ));
    }
    match interpret(tool, &text) {
        ProbeOutcome::Version { version } if accept(&version) => Ok(version),
        ProbeOutcome::Version { version } => Err(format!("{shown} reports {version}")),
        _ => Err(format!(
            "{shown} reports no version: {}",
            crate::base::printer::visible(&first_line(&text))
        )),
    }
}

/// Runs `program` with the tool's version arguments, isolated from the network.
fn run_version(
    tool: &Tool,
    program: &Path,
    timeout: Duration,
) -> std::io::Result<crate::exec::ProcessOutput> {
    let args = tool.version_args();
    run(&ProcessRequest::probe(program, &args, timeout).capture(MAX_CAPTURE))
}

/// Identity check, then version extraction, on cleaned output.
pub fn interpret(tool: &Tool, text: &str) -> ProbeOutcome {
    let line = first_line(text);
    if let Some(identity) = tool.identity_regex()
        && !identity.is_match(text)
    {
        return ProbeOutcome::Impostor { line };
    }
    match extract_version(text, tool.version_regex()) {
        Some(version) => ProbeOutcome::Version { version },
        None => ProbeOutcome::NoVersion { line },
    }
}
