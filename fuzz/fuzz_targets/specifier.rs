#![no_main]
toolup_fuzz::main!(specifier);
