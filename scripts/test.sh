#!/usr/bin/env bash
# The project's test command: checks formatting and vet, then runs every test with -race.
# On a fresh machine it installs what the tests need first. Under CI (CI=true) a test that
# cannot find a server it needs fails instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${CI:-}" = "true" ]; then
  export VIDEO_TEST_REQUIRE_SERVERS=1
fi

echo "== gofmt"
unformatted=$(gofmt -l . | grep -v '^vendor/' || true)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 ./... "$@"
