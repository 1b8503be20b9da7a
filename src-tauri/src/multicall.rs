//! One binary, two programs: the Linux packages install the app once and make `/usr/bin/auth0-eventgrid` a link
//! to it, so the command line and the window share one copy of the engine, the cloud clients, the sandbox, TLS
//! and SQLite. The program looks at the name it was started under (busybox-style) to know which it is.

use std::ffi::OsStr;
use std::path::Path;

/// The command line's program name: the app runs the command line when started under it.
pub const CLI_NAME: &str = "auth0-eventgrid";

/// Whether a program started as `argv0` (the first of its arguments) is the command line: its file name,
/// without folder or extension, is exactly [`CLI_NAME`]. The app's own name, `auth0-eventgrid-setup`, is not.
pub fn invoked_as_cli(argv0: &OsStr) -> bool {
    Path::new(argv0).file_stem() == Some(OsStr::new(CLI_NAME))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(argv0: &str) -> bool {
        invoked_as_cli(OsStr::new(argv0))
    }

    #[test]
    fn the_command_line_is_known_by_its_file_name_wherever_it_lies() {
        assert!(cli("auth0-eventgrid"));
        assert!(cli("/usr/bin/auth0-eventgrid"));
        assert!(cli("./target/release/auth0-eventgrid"));
        assert!(cli("auth0-eventgrid.exe"));
    }

    #[test]
    fn the_app_and_other_names_start_the_window() {
        assert!(!cli("auth0-eventgrid-setup"));
        assert!(!cli("/usr/bin/auth0-eventgrid-setup"));
        assert!(!cli("/opt/auth0-eventgrid/app"));
        assert!(!cli("Auth0-EventGrid"));
        assert!(!cli("auth0-eventgrid2"));
        assert!(!cli(""));
    }
}
