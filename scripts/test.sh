#!/usr/bin/env bash
# The project's test command. On a fresh machine it first installs what the tests need
# (livekit-server from the Go module proxy, redis-server, redis-cli and chromium from Debian's
# packages, openvidu-node-client, livekit-client and puppeteer-core from npm, pinned by their
# lockfiles), then checks
# formatting and vet, and runs every test with -race. The tests start and stop their own
# servers on 127.0.0.1. Under CI (CI=true) a test that cannot find a server fails instead of
# skipping. Extra arguments go to `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."

LIVEKIT_VERSION=v1.13.5

if [ "${CI:-}" = "true" ]; then
  export VIDEO_TEST_REQUIRE_SERVERS=1
fi

echo "== livekit-server"
if [ -z "${LIVEKIT_SERVER_BIN:-}" ]; then
  if command -v livekit-server >/dev/null 2>&1; then
    LIVEKIT_SERVER_BIN=$(command -v livekit-server)
  else
    LIVEKIT_SERVER_BIN="$(go env GOPATH | cut -d: -f1)/bin/server"
    if ! "$LIVEKIT_SERVER_BIN" --version 2>/dev/null | grep -q livekit-server; then
      echo "installing livekit-server $LIVEKIT_VERSION with go install (a few minutes the first time)"
      go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION"
    fi
  fi
fi
export LIVEKIT_SERVER_BIN
"$LIVEKIT_SERVER_BIN" --version

echo "== redis-server and redis-cli (a single node, a Sentinel and a six-node cluster)"
missing_pkgs=""
if [ -z "${REDIS_SERVER_BIN:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  missing_pkgs="redis-server"
fi
if [ -z "${REDIS_CLI_BIN:-}" ] && ! command -v redis-cli >/dev/null 2>&1; then
  missing_pkgs="$missing_pkgs redis-tools"
fi
if [ -n "$missing_pkgs" ]; then
  echo "installing$missing_pkgs from Debian's packages"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086 # a list of packages
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing_pkgs >/dev/null
fi
"${REDIS_SERVER_BIN:-redis-server}" --version
"${REDIS_CLI_BIN:-redis-cli}" --version

echo "== openvidu-node-client (the official OpenVidu 2 client, the oracle of the OpenVidu 2 fake)"
oracle=internal/openvidu2fake/testdata/oracle
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing nodejs and npm from Debian's packages"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
node --version
if [ ! -d "$oracle/node_modules/openvidu-node-client" ]; then
  npm ci --prefix "$oracle" --no-audit --no-fund --loglevel=error
fi

echo "== chromium, livekit-client and puppeteer-core (the join page's test in a real browser)"
if [ -z "${CHROMIUM_BIN:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium from Debian's packages"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
"${CHROMIUM_BIN:-chromium}" --version 2>/dev/null | head -1 || true
for dir in examples/appointments/web examples/appointments/testdata/browser; do
  # Under CI always from the lockfile, so that a stale or partial install is never used.
  if [ "${CI:-}" = "true" ] || [ ! -d "$dir/node_modules" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  fi
done

echo "== gofmt"
unformatted=$(gofmt -l . | grep -v '^vendor/' || true)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 ./... "$@"
