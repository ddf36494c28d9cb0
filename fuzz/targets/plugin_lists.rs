//! A plugin's answers to list queries (`estimate-update-mutexes`,
//! `download-mutexes`, `update-mutexes`, `runs-after`;
//! `managers::readers::plugin_list`): one name per line, none blank, none
//! with a space or a control character in it.

use toolup::managers::readers::plugin_list;

pub fn run(data: &[u8]) {
    for name in plugin_list(&super::text(data)) {
        assert!(!name.is_empty(), "a blank name");
        assert_eq!(name, name.trim(), "{name:?}");
        assert!(!name.contains(|c: char| c.is_whitespace() || c.is_control()), "{name:?}");
    }
}
