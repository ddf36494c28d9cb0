#![no_main]
toolup_fuzz::main!(fleet_hosts);
