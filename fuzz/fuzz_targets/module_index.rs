#![no_main]
toolup_fuzz::main!(module_index);
