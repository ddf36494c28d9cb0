#![no_main]
toolup_fuzz::main!(catalog_layers);
