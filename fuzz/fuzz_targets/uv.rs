#![no_main]
toolup_fuzz::main!(uv);
