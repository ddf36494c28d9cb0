//! What an action-taking run concluded, which the command line maps to
//! its exit status.

/// A run's conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Exit 0.
    Success,
    /// Exit 1: `--fail-on` matched, or some items failed.
    Failure,
    /// Exit 130: interrupted (SIGINT/SIGTERM) while acting; what was
    /// replaced was put back and recorded.
    Interrupted,
}
