//! A plugin's `estimate-update` JSON (`managers::plugin::parse_estimate`,
//! docs/estimate-update.schema.json): what a plugin answers becomes
//! pending updates or an error that names the plugin, never more.

use toolup::managers::plugin::parse_estimate;

pub fn run(data: &[u8]) {
    let text = super::text(data);
    match parse_estimate("fuzz-plugin", &text) {
        Ok(pending) => {
            for p in &pending {
                let _ = (&p.name, &p.from, &p.to, p.security, p.download_bytes);
            }
        }
        Err(e) => {
            assert!(e.starts_with("plugin fuzz-plugin"), "{e}");
            assert!(!e.contains(['\u{1b}', '\r']), "{e:?}");
        }
    }
}
