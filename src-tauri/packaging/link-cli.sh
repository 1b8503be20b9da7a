#!/bin/sh
# After the package is installed (.deb postinst, .rpm %post): the command line is the app binary started under
# the name auth0-eventgrid (src-tauri/src/main.rs), so the package ships one binary and links the other name.
set -e
ln -sf auth0-eventgrid-setup /usr/bin/auth0-eventgrid
