#![no_main]
toolup_fuzz::main!(inventory_yaml);
