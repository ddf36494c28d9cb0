//! GitLab's releases list: `NAME NUL BODY` (`upstream::documents::gitlab`,
//! what the GitLab lookup reads). The answer is a listed release that is
//! not upcoming, a version, stable unless asked; asking for pre-releases
//! never answers older.

use toolup::upstream::documents::gitlab;

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let [name, body] = fields.as_slice() else {
        return;
    };
    let names = [name.as_ref(), "tool"];
    let Ok((listed, stable)) = gitlab(body.as_bytes(), &names, false) else {
        return;
    };
    let (_, any) = gitlab(body.as_bytes(), &names, true).unwrap_or_else(|e| panic!("{e}"));
    for (answer, prereleases) in [(&stable, false), (&any, true)] {
        if let Some(answer) = answer {
            super::is_release(&answer.version, prereleases);
            assert!(
                listed.iter().any(|l| l.live && l.version == answer.version),
                "{} is not a live release of {listed:?}",
                answer.version
            );
        }
    }
    super::not_older(any.as_ref(), stable.as_ref());
}
