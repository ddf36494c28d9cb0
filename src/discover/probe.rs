//! Running a tool with its version arguments and reading the answer.

use std::path::Path;
use std::time::Duration;

use super::parse::{clean_output, extract_version, first_line};
use crate::catalog::Tool;
use crate::exec::{PROBE_ENV, ProcessRequest, run};

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
    let args = tool.version_args();
    let output = match run(&ProcessRequest {
        program,
        args: &args,
        timeout,
        max_capture: MAX_CAPTURE,
        env: PROBE_ENV,
        cwd: None,
        isolate_network: true,
    }) {
        Ok(o) => o,
        Err(e) => return ProbeOutcome::Failed(format!("cannot run {}: {e}", program.display())),
    };
    tracing::debug!(tool = tool.name(), program = %program.display(), elapsed_ms = output.elapsed.as_millis() as u64, "probe");
    if output.timed_out {
        return ProbeOutcome::TimedOut;
    }
    interpret(tool, &clean_output(&output.stdout, &output.stderr))
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
