#![no_main]
toolup_fuzz::main!(run_journal);
