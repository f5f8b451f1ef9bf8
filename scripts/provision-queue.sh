#!/usr/bin/env bash
# Makes sure the two servers n8n's queue mode needs are on this machine, for `npm run start:queue`,
# the queue-mode e2e suite and the queue bench: redis-server and PostgreSQL's server binaries
# (Debian packages `redis-server` and `postgresql`; installed with apt-get only where missing, no
# system service is used). Prints two lines on stdout: the redis-server binary and PostgreSQL's bin
# folder (initdb, postgres, pg_isready). Progress goes to stderr.
set -euo pipefail

find_redis() { command -v redis-server || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; } || true; }
find_pg() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | while read -r dir; do [ -x "$dir/postgres" ] && echo "$dir"; done | tail -1; }

missing=()
[ -n "$(find_redis)" ] || missing+=(redis-server)
[ -n "$(find_pg)" ] || missing+=(postgresql)

if [ "${#missing[@]}" -gt 0 ]; then
	sudo=()
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "provision-queue: ${missing[*]} missing and not root (no sudo): install them with apt-get" >&2; exit 1; }
		sudo=(sudo -n)
	fi
	echo "provision-queue: installing ${missing[*]} (apt-get) …" >&2
	export DEBIAN_FRONTEND=noninteractive
	install() { "${sudo[@]}" apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >&2; }
	install || { "${sudo[@]}" apt-get update -q -o DPkg::Lock::Timeout=600 >&2 && install; }
fi

redis=$(find_redis)
pg=$(find_pg)
[ -n "$redis" ] && [ -n "$pg" ] || { echo "provision-queue: redis-server or postgres still missing after apt-get" >&2; exit 1; }
echo "$redis"
echo "$pg"
