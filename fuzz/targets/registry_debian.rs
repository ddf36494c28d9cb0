//! Debian's `Sources` index: `PACKAGES NUL SOURCES` (the packages asked
//! about, space-separated; `upstream::documents::debian`, what the Debian
//! lookup reads after gunzipping). Only wanted packages are kept, each
//! with a version its stanzas gave, and the upstream version inside it —
//! when there is one — is a version without epoch or revision.

use std::collections::BTreeSet;

use toolup::upstream::documents::debian;

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let [packages, sources] = fields.as_slice() else {
        return;
    };
    let wanted: BTreeSet<String> = packages.split_whitespace().map(str::to_owned).collect();
    let Ok(found) = debian(sources.as_bytes(), &wanted) else {
        return;
    };
    for (package, (version, upstream)) in &found {
        assert!(wanted.contains(package), "{package} was not asked for");
        assert!(sources.contains(version.as_str()), "{version} is in no stanza");
        if let Some(upstream) = upstream {
            assert!(toolup::model::Version::parse(upstream).is_ok(), "{upstream}");
            assert!(!upstream.contains(':'), "{upstream} keeps an epoch");
        }
    }
    let again = toolup::upstream::debian_upstream_version;
    for (_, (version, _)) in found {
        let _ = again(&version);
    }
}
