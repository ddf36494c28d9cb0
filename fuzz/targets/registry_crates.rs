//! The crates registry: a sparse-index file (one JSON line per version),
//! the web API's crate document, and `cargo info`'s text
//! (`upstream::documents::{crates_index, crates_api, cargo_info}`, what the
//! crates lookup reads). Answers are versions, stable unless asked; asking
//! for pre-releases never answers older.

use toolup::upstream::documents::{cargo_info, crates_api, crates_index};

pub fn run(data: &[u8]) {
    if let Ok((stable, _)) = crates_index(data, false) {
        let (any, _) = crates_index(data, true).unwrap_or_else(|e| panic!("{e}"));
        if let Some(v) = &stable {
            super::is_release(v, false);
        }
        if let Some(v) = &any {
            super::is_release(v, true);
        }
        super::not_older_version(any.as_deref(), stable.as_deref());
    }
    for prereleases in [false, true] {
        if let Ok(answer) = crates_api(data, prereleases) {
            assert!(toolup::model::Version::parse(&answer.version).is_ok());
        }
    }
    if let Some(version) = cargo_info(&super::text(data)) {
        assert!(toolup::model::Version::parse(&version).is_ok());
    }
}
