#![no_main]
toolup_fuzz::main!(module_manifest);
