//! `latest_versions.json`, the committed baseline and the user's cache
//! (`upstream::LatestVersions::parse`): what is read is written back
//! (`to_json`) and read again equal, and an entry from another source is
//! never answered for this one.

use toolup::upstream::LatestVersions;

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let Ok(cache) = LatestVersions::parse(&text) else {
        return;
    };
    let json = cache.to_json();
    let again = LatestVersions::parse(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(again, cache, "{json}");
    assert_eq!(again.to_json(), json);
    for (tool, version) in &cache.versions {
        match cache.sources.get(tool) {
            Some(source) => {
                assert_eq!(cache.get(tool, source), Some(version.as_str()));
                assert_eq!(cache.get(tool, &format!("{source}-other")), None);
            }
            None => assert_eq!(cache.get(tool, "any:source"), Some(version.as_str())),
        }
    }
}
