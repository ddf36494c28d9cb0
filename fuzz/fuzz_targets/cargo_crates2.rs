#![no_main]
toolup_fuzz::main!(cargo_crates2);
