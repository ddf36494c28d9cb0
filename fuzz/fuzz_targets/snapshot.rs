#![no_main]
toolup_fuzz::main!(snapshot);
