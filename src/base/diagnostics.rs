//! Diagnostics: `tracing` to stderr, every line scrubbed of credentials
//! and escaped, at the level `-v`/`-vv`, `--quiet` or `TOOLUP_LOG` asks; the
//! HTTP and TLS libraries kept quiet unless named.

/// Starts the diagnostics: `-v`/`-vv` (or `TOOLUP_LOG`), quiet, colour.
pub fn init(quiet: bool, verbose: u8, color: super::color::ColorChoice) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    // The HTTP and TLS libraries log whole requests (headers included) at
    // their debug and trace levels: they stay at warn whatever TOOLUP_LOG
    // says, unless it names them itself. Every line is scrubbed regardless.
    let asked = std::env::var(super::env_vars::TOOLUP_LOG).ok();
    let mut directives = asked
        .clone()
        .unwrap_or_else(|| format!("warn,toolup={level}"));
    for library in ["ureq", "ureq_proto", "rustls", "rustls_platform_verifier"] {
        if !asked.as_deref().is_some_and(|a| a.contains(library)) {
            directives.push_str(&format!(",{library}=warn"));
        }
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("warn,toolup={level}")));
    super::secrets::register_environment();
    let ansi = super::color::enabled(color, std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(super::secrets::ScrubbedStderr::new(ansi))
        .with_ansi(ansi)
        .without_time()
        .with_target(false)
        .try_init();
}
