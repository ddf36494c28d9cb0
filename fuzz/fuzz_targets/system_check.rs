#![no_main]
toolup_fuzz::main!(system_check);
