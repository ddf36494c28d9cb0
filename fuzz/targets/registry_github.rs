//! GitHub's answers: `NAME NUL BODY`, the body read as a
//! `releases/latest` document, a tags list and a releases Atom feed, and
//! its first line as a redirect's `Location`
//! (`upstream::documents::github_*`, what the GitHub lookup reads; tags
//! become versions through `upstream`'s tag reader). Answers are versions,
//! stable unless asked; asking for pre-releases never answers older.

use toolup::upstream::documents::{github_atom, github_location, github_release, github_tags};

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let [name, body] = fields.as_slice() else {
        return;
    };
    let names = [name.as_ref(), "tool"];
    let bytes = body.as_bytes();
    for read in [github_release, github_tags, github_atom] {
        let Ok(stable) = read(bytes, &names, false) else {
            continue;
        };
        let any = read(bytes, &names, true).unwrap_or_else(|e| panic!("{e}"));
        if let Some(a) = &stable {
            super::is_release(&a.version, false);
        }
        if let Some(a) = &any {
            super::is_release(&a.version, true);
        }
        super::not_older(any.as_ref(), stable.as_ref());
    }
    let location = body.lines().next().unwrap_or("");
    for prereleases in [false, true] {
        if let Ok(answer) = github_location(location, &names, prereleases) {
            super::is_release(&answer.version, prereleases);
        }
    }
}
