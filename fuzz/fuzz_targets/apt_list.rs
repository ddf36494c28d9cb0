#![no_main]
toolup_fuzz::main!(apt_list);
