//! PyPI's Simple API, as pip and uv are served it: `PROJECT NUL PAGE`,
//! the page read both as PEP 691 JSON and as PEP 503 HTML
//! (`upstream::documents::pypi`, the readers and the choice the PyPI
//! lookup uses). The answer is a live release the page lists, a version,
//! stable unless pre-releases are asked for; asking for them never
//! answers older, and a minimum release age never answers newer.

use toolup::upstream::documents::pypi;

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let [project, page] = fields.as_slice() else {
        return;
    };
    let page = page.as_bytes();
    for json in [true, false] {
        let Ok((listed, stable)) = pypi(page, json, project, false, None) else {
            continue;
        };
        let (_, any) = pypi(page, json, project, true, None).unwrap_or_else(|e| panic!("{e}"));
        let (_, old_enough) = pypi(page, json, project, false, Some(super::a_day_in_2026()))
            .unwrap_or_else(|e| panic!("{e}"));
        for (answer, prereleases) in [(&stable, false), (&any, true), (&old_enough, false)] {
            if let Some(answer) = answer {
                super::is_release(&answer.version, prereleases);
                assert!(
                    listed.iter().any(|l| l.live && l.version == answer.version),
                    "{} is no live release of {listed:?}",
                    answer.version
                );
            }
        }
        super::not_older(any.as_ref(), stable.as_ref());
        super::not_older(stable.as_ref(), old_enough.as_ref());
    }
}
