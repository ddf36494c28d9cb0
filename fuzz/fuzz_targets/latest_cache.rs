#![no_main]
toolup_fuzz::main!(latest_cache);
