#!/usr/bin/env bash
# Development livekit-server (the OpenVidu 3 API) on loopback, for the quickstart and the
# examples. Installs livekit-server v1.13.5 with `go install` when it is missing.
#
#   bash scripts/livekit-dev.sh start   # ws://127.0.0.1:7880, key devkey, secret devsecret-local-livekit-only-0123456789
#   bash scripts/livekit-dev.sh stop
#   bash scripts/livekit-dev.sh status
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=v1.13.5
PORT=${LIVEKIT_DEV_PORT:-7880}
UDP_PORT=${LIVEKIT_DEV_UDP_PORT:-7882}
DIR=${LIVEKIT_DEV_DIR:-.tmp/livekit-dev}
PIDFILE=$DIR/livekit.pid

livekit_bin() {
  if [ -n "${LIVEKIT_SERVER_BIN:-}" ]; then echo "$LIVEKIT_SERVER_BIN"; return; fi
  if command -v livekit-server >/dev/null 2>&1; then command -v livekit-server; return; fi
  local bin
  bin="$(go env GOPATH | cut -d: -f1)/bin/server"
  if ! "$bin" --version 2>/dev/null | grep -q livekit-server; then
    echo "installing livekit-server $VERSION (go install; a few minutes the first time)..." >&2
    go install "github.com/livekit/livekit-server/cmd/server@$VERSION" >&2
  fi
  echo "$bin"
}

case "${1:-start}" in
start)
  mkdir -p "$DIR"
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "livekit-server already running (pid $(cat "$PIDFILE")) at ws://127.0.0.1:$PORT"; exit 0
  fi
  bin=$(livekit_bin)
  cat > "$DIR/livekit.yaml" <<YAML
port: $PORT
bind_addresses: [127.0.0.1]
rtc:
  tcp_port: 0
  udp_port: $UDP_PORT
  use_external_ip: false
  enable_loopback_candidate: true
  stun_servers: [127.0.0.1:3478]
  interfaces: {includes: [lo]}
  ips: {includes: [127.0.0.1/32]}
keys: {devkey: devsecret-local-livekit-only-0123456789}
YAML
  nohup "$bin" --dev --config "$DIR/livekit.yaml" --node-ip 127.0.0.1 --bind 127.0.0.1 > "$DIR/livekit.log" 2>&1 &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$PORT/" >/dev/null 2>&1; then
      echo "livekit-server running (pid $(cat "$PIDFILE"))"
      echo "  OPENVIDU_URL=ws://127.0.0.1:$PORT OPENVIDU_API_KEY=devkey OPENVIDU_SECRET=devsecret-local-livekit-only-0123456789"
      echo "  stop with: bash scripts/livekit-dev.sh stop"
      exit 0
    fi
    sleep 0.1
  done
  echo "livekit-server did not start; see $DIR/livekit.log" >&2
  exit 1
  ;;
stop)
  if [ -f "$PIDFILE" ]; then
    pid=$(cat "$PIDFILE")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
    echo "livekit-server stopped"
  else
    echo "livekit-server is not running"
  fi
  ;;
status)
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "running (pid $(cat "$PIDFILE")) at ws://127.0.0.1:$PORT"
  else
    echo "not running"; exit 1
  fi
  ;;
*)
  echo "usage: $0 start|stop|status" >&2; exit 2
  ;;
esac
