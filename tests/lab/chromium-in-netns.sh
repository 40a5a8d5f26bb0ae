#!/bin/sh
# Playwright's executablePath in the network lab: the real Chromium, inside namespace $RTLAB_NETNS.
exec ip netns exec "$RTLAB_NETNS" "${RTLAB_CHROMIUM:-/usr/bin/chromium}" "$@"
