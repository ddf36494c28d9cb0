//! toolup's fuzz targets as a library: the binaries of fuzz_targets/ run
//! them under libFuzzer; `cargo test` replays their seeds and regressions
//! through the same code (tests/integration/fuzz_replay.rs includes
//! targets/ as this crate does).

#[path = "../targets/mod.rs"]
pub mod targets;

/// The target named `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    targets::TARGETS
        .iter()
        .find(|t| t.name == name)
        .map(|t| t.run)
}

pub use libfuzzer_sys;

/// A fuzz binary's whole text: `toolup_fuzz::main!(NAME);` runs
/// `targets::NAME` under libFuzzer.
#[macro_export]
macro_rules! main {
    ($name:ident) => {
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| $crate::targets::$name::run(data));
    };
}
