//! The ground floor: small facts and rules every layer needs, importing
//! nothing of toolup's own — the clock, the host, privilege, names,
//! redaction, paths, text, the environment variables, colour, the kind of
//! machine, TOML locations, wildcards, and the printer (the one door to the user).

pub mod clock;
pub mod color;
pub mod diagnostics;
pub mod digest;
pub mod env_vars;
pub mod environment;
pub mod host;
pub mod names;
pub mod paths;
pub mod printer;
pub mod privilege;
pub mod redact;
pub mod secrets;
pub mod shell;
pub mod text;
pub mod toml_location;
pub mod wildcard;
