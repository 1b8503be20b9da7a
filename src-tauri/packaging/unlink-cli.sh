#!/bin/sh
# Before the package is removed (.deb prerm, .rpm %preun): the link of link-cli.sh goes with it. An upgrade keeps
# it (the .rpm's $1 is then 1 and the new %post has run already; a .deb's new postinst makes it again).
set -e
case "${1:-0}" in
  0 | remove | purge | deconfigure) rm -f /usr/bin/auth0-eventgrid ;;
esac
