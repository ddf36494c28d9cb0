//! `flatpak remote-ls --updates` (the flatpak updater's `parse`) and
//! `flatpak mask` (its `is_held`): `UPDATES NUL MASKS`. A mask of one
//! word without `*` holds exactly its own name.

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let pending = super::updater_reads("flatpak", &fields[0]);
    let Some(masks) = fields.get(1) else {
        return;
    };
    let flatpak = toolup::managers::updater("flatpak").unwrap_or_else(|| panic!("no flatpak"));
    for p in &pending {
        let held = flatpak.is_held(masks, &p.name);
        // A mask is one word: no `:` (a heading), `/` (a branch) or space.
        let one_word = !p.name.contains(|c: char| c == ':' || c == '/' || c.is_whitespace());
        if one_word && masks.lines().any(|l| l.trim() == p.name) {
            assert!(held, "{} is masked and not held", p.name);
        }
    }
}
