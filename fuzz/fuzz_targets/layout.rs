#![no_main]
toolup_fuzz::main!(layout);
