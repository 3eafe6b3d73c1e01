#!/usr/bin/env bash
# Runs every fuzz target for a bounded time each (default 15s). A crasher that a target finds
# is written to that package's testdata/fuzz directory and fails the run; commit the file so
# it stays a regression test (plain `go test` replays it).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${1:-15s}

targets=(
  ".:FuzzLoadConfig"
  "./internal/roomname:FuzzName"
  "./jitsi:FuzzLinkAndToken"
  "./jitsi:FuzzServiceToken"
  "./openvidu:FuzzWebhook"
)
for t in "${targets[@]}"; do
  pkg=${t%%:*}
  name=${t##*:}
  echo "== fuzz $name ($pkg) for $FUZZTIME"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg"
done
