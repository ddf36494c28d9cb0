//! `apt-cache policy`'s candidates (the apt installer's
//! `parse_candidates`, what an install plans with): one entry per
//! package block, no version `(none)` or empty.

pub fn run(data: &[u8]) {
    let text = super::text(data);
    for (name, candidate) in super::candidates("apt", &text) {
        assert!(!name.contains('\n'), "{name:?}");
        for v in [&candidate.candidate, &candidate.installed].into_iter().flatten() {
            assert!(!v.is_empty() && v != "(none)", "{name}: {v:?}");
        }
    }
}
