#!/bin/sh
# Sets up a fresh clone: pnpm, the workspace's dependencies, shellcheck (the tests lint every generated
# script with it), then generates the example platform. Safe to re-run.
set -eu
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install --global "pnpm@$PNPM_VERSION"
fi
pnpm install --frozen-lockfile

if ! command -v shellcheck >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    apt-get install -y shellcheck >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y shellcheck >/dev/null; }
  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then
    sudo apt-get install -y shellcheck >/dev/null
  else
    echo "Install shellcheck (https://www.shellcheck.net): the tests lint every generated script with it." >&2
  fi
fi

pnpm generate
