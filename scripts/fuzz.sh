#!/usr/bin/env bash
# Runs every fuzz target for a bounded time each (default 15s) and fails only on a real finding.
#
#   bash scripts/fuzz.sh [fuzztime]
#
# A real finding is any of:
#   - a failing input that the fuzzer wrote to the package's testdata/fuzz/<Target>/ directory
#     (commit the file: plain `go test` replays it from then on);
#   - a panic, a fatal error or a failing input that the run reports;
#   - a failure that replays: the target's seed corpus and testdata fail under plain `go test`.
#
# Go 1.26's fuzzing coordinator can end a duration-bounded run with a bare
# "context deadline exceeded" when -fuzztime expires while a worker is mid-call (golang/go#75804,
# fixed in Go 1.27). Such a run wrote no input and found nothing. When the failure is that line
# alone, no input was written and the target replays clean, the run is reported as a
# fuzzing-engine flake and does not fail. Any other failure fails.
#
# FUZZ_TARGETS ("pkg:Target pkg:Target …") and FUZZ_DIR (the module to run in) override the
# project's own list and directory; the script's tests use them.
set -uo pipefail
FUZZTIME=${1:-15s}
cd "${FUZZ_DIR:-$(dirname "$0")/..}" || exit 2

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=(
    ".:FuzzLoadConfig"
    "./internal/roomname:FuzzName"
    "./jitsi:FuzzLinkAndToken"
    "./jitsi:FuzzServiceToken"
    "./openvidu:FuzzWebhook"
  )
fi

log=$(mktemp)
replay=$(mktemp)
trap 'rm -f "$log" "$replay"' EXIT

# corpus lists the files of a target's testdata/fuzz directory.
corpus() { find "$1" -type f 2>/dev/null | sort; }

# bare_deadline reports whether the failure report in $log says "context deadline exceeded" and
# nothing else: the lines between "--- FAIL:" and the final FAIL/ok line.
bare_deadline() {
  awk '
    /^--- FAIL:/ { in_fail = 1; fails++; next }
    /^(FAIL|ok)[ \t]/ || /^FAIL$/ { in_fail = 0; next }
    in_fail && NF > 0 {
      line = $0; sub(/^[ \t]+/, "", line)
      if (line == "context deadline exceeded") deadline++; else other++
    }
    END { exit !(fails == 1 && deadline >= 1 && other == 0) }
  ' "$log"
}

findings=0
flakes=0
for t in "${targets[@]}"; do
  pkg=${t%%:*}
  name=${t##*:}
  dir="$pkg/testdata/fuzz/$name"
  before=$(corpus "$dir")
  echo "== fuzz $name ($pkg) for $FUZZTIME"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" >"$log" 2>&1
  rc=$?
  cat "$log"
  [ "$rc" -eq 0 ] && continue

  added=$(comm -13 <(printf '%s\n' "$before") <(corpus "$dir") | sed '/^$/d')
  if [ -n "$added" ]; then
    echo "!! $name: real finding: the fuzzer wrote a failing input:"
    printf '   %s\n' $added
    findings=$((findings + 1))
    continue
  fi
  if grep -Eq 'panic:|fatal error:|Failing input written to|failure while testing seed corpus' "$log"; then
    echo "!! $name: real finding: the run reports a panic or a failing input"
    findings=$((findings + 1))
    continue
  fi
  if ! bare_deadline; then
    echo "!! $name: the fuzz run failed with no input written, and not with a bare deadline: failing"
    findings=$((findings + 1))
    continue
  fi
  echo "== $name: no input written; replaying its seed corpus and testdata"
  if ! go test -count=1 -run "^${name}\$" "$pkg" >"$replay" 2>&1; then
    cat "$replay"
    echo "!! $name: real finding: the failure replays under plain go test"
    findings=$((findings + 1))
    continue
  fi
  echo "~~ $name: fuzzing-engine flake (golang/go#75804): a bare 'context deadline exceeded', no input written, replays clean; not a finding"
  flakes=$((flakes + 1))
done

if [ "$findings" -gt 0 ]; then
  echo "fuzz: $findings real finding(s)"
  exit 1
fi
echo "fuzz: no finding in ${#targets[@]} target(s); $flakes fuzzing-engine flake(s)"
