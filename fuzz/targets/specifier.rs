//! PEP 440 specifiers as uv's tools are installed with
//! (`managers::specifier::allows`): `SPEC NUL VERSION`. Beyond never
//! panicking, each comparison says exactly what `Version`'s order says, a
//! list of clauses is their conjunction, and what cannot be read is `None`.

use toolup::managers::specifier::allows;
use toolup::model::Version;

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let [spec, version] = fields.as_slice() else {
        return;
    };
    let answer = allows(spec, version);
    let Ok(v) = Version::parse(version) else {
        assert_eq!(answer, None, "{spec:?} of the non-version {version:?}");
        return;
    };
    // Each clause alone, and the whole as their conjunction.
    let clauses: Vec<&str> = spec.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
    let each: Option<Vec<bool>> = clauses.iter().map(|c| allows(c, version)).collect();
    match each {
        Some(each) => assert_eq!(answer, Some(each.iter().all(|b| *b)), "{spec:?} {version:?}"),
        None => assert_eq!(answer, None, "{spec:?} {version:?}: a clause is unreadable"),
    }
    // The spec read as a bare bound: every operator against it.
    let bound = spec.trim();
    if bound.contains(',') || bound.ends_with(".*") || bound.starts_with(['=', '!', '<', '>', '~'])
    {
        return;
    }
    let Ok(b) = Version::parse(bound) else {
        return;
    };
    for (op, expected) in [
        ("==", v == b),
        ("!=", v != b),
        (">=", v >= b),
        ("<=", v <= b),
        (">", v > b),
        ("<", v < b),
        ("===", version.as_ref() == bound),
    ] {
        assert_eq!(
            allows(&format!("{op}{bound}"), version),
            Some(expected),
            "{op}{bound} of {version:?}"
        );
    }
}
