#![no_main]
toolup_fuzz::main!(plugin_progress);
