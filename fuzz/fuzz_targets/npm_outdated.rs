#![no_main]
toolup_fuzz::main!(npm_outdated);
