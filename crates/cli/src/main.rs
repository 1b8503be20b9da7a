//! The `auth0-eventgrid` binary: the command line of `src/lib.rs`.

fn main() -> std::process::ExitCode {
    auth0_eventgrid::main_with(std::env::args_os())
}
