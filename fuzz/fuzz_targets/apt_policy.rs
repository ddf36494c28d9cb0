#![no_main]
toolup_fuzz::main!(apt_policy);
