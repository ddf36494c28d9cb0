#![no_main]
toolup_fuzz::main!(registry_debian);
