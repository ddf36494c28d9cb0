//! `snap refresh --list` (the snap updater's `parse`) and `snap list`'s
//! holds (its `is_held`): `UPDATES NUL LIST`.

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let pending = super::updater_reads("snap", &fields[0]);
    let Some(list) = fields.get(1) else {
        return;
    };
    let snap = toolup::managers::updater("snap").unwrap_or_else(|| panic!("no snap"));
    for p in &pending {
        let _ = snap.is_held(list, &p.name);
    }
}
