//! npm's documents: a packument (full or abbreviated) and a dist-tags
//! document (`upstream::documents::npm`, what the npm lookup reads). The
//! answer is a version; `latest` is answered unless pre-releases are asked
//! for, and its publish time comes from the document's `time`.

use toolup::upstream::documents::npm;

pub fn run(data: &[u8]) {
    for dist_tags in [false, true] {
        for prereleases in [false, true] {
            if let Ok(Some(answer)) = npm(data, dist_tags, prereleases) {
                assert!(toolup::model::Version::parse(&answer.version).is_ok());
                if dist_tags {
                    assert_eq!(answer.published_at, None);
                }
            }
        }
    }
}
