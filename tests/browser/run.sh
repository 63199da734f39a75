#!/usr/bin/env bash
# Runs the browser tests: installs Debian's Chromium and the npm packages when missing,
# builds Quire in release mode, then runs every *.test.mjs with node's test runner.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
export DEBIAN_FRONTEND=noninteractive
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
(cd "$here" && npm ci --no-audit --no-fund)
cargo build --release --locked --quiet
cd "$here"
node --test --test-concurrency=1 --test-timeout=120000 ./*.test.mjs
