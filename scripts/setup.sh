#!/usr/bin/env bash
# Installs what `junction up` needs on a fresh machine, then builds: a supported Node (22.13+, else Node 24
# from the npm registry), npm dependencies, nats-server (Debian package) when it is not on PATH, and the
# TypeScript build. Tools only the tests need are installed by scripts/setup-tests.sh (run by `npm test`).
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

use_supported_node

# Debian's nats-server lives in /usr/sbin, which is not on every user's PATH.
if ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ]; then
  apt_install nats-server
fi

# `npm install`, not `npm ci`: with omit-lockfile-registry-resolved (set on these machines) the lock file
# leaves out other platforms' optional packages, which `npm ci` then reports as out of sync.
log "installing npm dependencies (Node $(node --version))"
npm install --no-audit --no-fund --loglevel=error

# npm puts node_modules/.bin first on the PATH of scripts and npx: the project's Node, when it has one,
# then runs `npm test` and `npx junction` whatever the user's own node is.
if [ -x "$PROJECT_NODE_DIR/node" ]; then
  ln -sf "../../$PROJECT_NODE_DIR/node" node_modules/.bin/node
fi

log "building (tsc -b)"
npm run --silent build
log "ready: npx junction --help"
