#![no_main]
toolup_fuzz::main!(dnf);
