//! All integration tests, built into one test binary (as ripgrep does).

mod version_outputs;
