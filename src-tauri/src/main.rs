//! The desktop app's entry point: everything lives in the library so tests can build the same app.
//!
//! On Linux the same binary is also the command line: started under the name `auth0-eventgrid` (the packages'
//! /usr/bin/auth0-eventgrid links to the app) it runs the command line of `crates/cli` instead of the window.
//! Windows and macOS builds have no such link; their command line is the separate `auth0-eventgrid` binary.

// Without a console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(target_os = "linux")]
    if let Some(argv0) = std::env::args_os().next()
        && app_lib::multicall::invoked_as_cli(&argv0)
    {
        return auth0_eventgrid::main_with(std::env::args_os());
    }
    app_lib::run();
    ExitCode::SUCCESS
}
