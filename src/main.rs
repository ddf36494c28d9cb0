//! The toolup binary: parse, run, map the exit status.

fn main() -> std::process::ExitCode {
    toolup::cli::main()
}
