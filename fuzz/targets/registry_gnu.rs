//! A GNU release directory's listing: `PROJECT NUL HTML`
//! (`upstream::documents::gnu`, what the GNU lookup reads). Every stem
//! found is the project's tarball; the answer is a version, stable unless
//! asked; asking for pre-releases never answers older.

use toolup::upstream::documents::gnu;

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let [project, listing] = fields.as_slice() else {
        return;
    };
    let Ok((stems, stable)) = gnu(listing.as_bytes(), project, false) else {
        return;
    };
    for stem in &stems {
        assert!(stem.starts_with(&format!("{project}-")), "{stem}");
    }
    let (_, any) = gnu(listing.as_bytes(), project, true).unwrap_or_else(|e| panic!("{e}"));
    if let Some(a) = &stable {
        super::is_release(&a.version, false);
    }
    if let Some(a) = &any {
        super::is_release(&a.version, true);
    }
    super::not_older(any.as_ref(), stable.as_ref());
}
