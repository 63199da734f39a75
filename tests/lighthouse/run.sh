#!/usr/bin/env bash
# Lighthouse (npm `lighthouse`, offline, Debian's Chromium) on every page of the essay
# site, mobile and desktop presets, all four categories; fails unless every score is 100.
# Installs Chromium and the npm packages when missing; builds Quire in release mode.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export DEBIAN_FRONTEND=noninteractive
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
locked="$(node -p "require('$here/package-lock.json').packages['node_modules/lighthouse'].version")"
installed="$(node -p "try{require('$here/node_modules/lighthouse/package.json').version}catch(e){''}")"
if [ "$locked" != "$installed" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
(cd "$repo" && cargo build --release --locked --quiet)
cd "$here"
node run.mjs "$repo/target/release/quire" "$repo"
