#![no_main]
toolup_fuzz::main!(duration);
