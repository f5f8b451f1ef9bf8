'use strict';
/**
 * The watchdog a launcher (`npm start`, `npm run start:queue`, the bench, the e2e suites) starts
 * beside the processes it owns (scripts/lib/owned-processes.js). It reads lines on stdin:
 *   group <pgid> <signal>   a process group to stop if the launcher dies (signal first, SIGKILL later)
 *   path <absolute path>    a temporary file or folder to delete then
 *   unpath <absolute path>  already deleted by the launcher
 * The launcher holds the only write end of that pipe, so it closes however the launcher ends:
 * normal exit, crash, SIGKILL, a closed terminal. Then every group still alive gets its signal,
 * SIGKILL after the grace period, and the paths are deleted. The parent pid is watched too (if the
 * launcher is gone, this process is re-parented). Runs in its own session: a Ctrl-C or a closed
 * terminal reaches it only through the launcher's end.
 *   node orphan-watchdog.js <launcher pid> [grace ms]
 */
const fs = require('node:fs');

const launcherPid = Number(process.argv[2]);
const graceMs = Number(process.argv[3] ?? 15000);
const groups = new Map();
const paths = new Set();
let cleaning = false;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function signalGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false; // gone (ESRCH)
	}
}

/** A group with a live (not zombie) member. PID 1 in a container may never reap our children. */
function groupAlive(pgid) {
	if (!signalGroup(pgid, 0)) return false;
	let entries;
	try {
		entries = fs.readdirSync('/proc');
	} catch {
		return true; // no /proc (macOS): kill(0) is all we know
	}
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
		} catch {
			// exited while we looked
		}
	}
	return false;
}

async function cleanUp() {
	if (cleaning) return;
	cleaning = true;
	const alive = [...groups].filter(([pgid]) => groupAlive(pgid));
	for (const [pgid, signal] of alive) signalGroup(pgid, signal);
	const deadline = Date.now() + graceMs;
	while (Date.now() < deadline && alive.some(([pgid]) => groupAlive(pgid))) await sleep(200);
	for (const [pgid] of alive) if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
	const killDeadline = Date.now() + 5000;
	while (Date.now() < killDeadline && alive.some(([pgid]) => groupAlive(pgid))) await sleep(100);
	for (const target of paths) fs.rmSync(target, { recursive: true, force: true });
	process.exit(0);
}

let rest = '';
process.stdin.on('data', (chunk) => {
	const lines = (rest + chunk).split('\n');
	rest = lines.pop();
	for (const line of lines) {
		const [command, ...args] = line.split(' ');
		if (command === 'group') groups.set(Number(args[0]), args[1] || 'SIGTERM');
		else if (command === 'path') paths.add(args.join(' '));
		else if (command === 'unpath') paths.delete(args.join(' '));
	}
});
process.stdin.on('end', cleanUp);
process.stdin.on('close', cleanUp);
process.stdin.on('error', cleanUp);
setInterval(() => {
	if (process.ppid !== launcherPid) cleanUp();
}, 500);
process.on('SIGTERM', cleanUp);
for (const signal of ['SIGINT', 'SIGHUP', 'SIGPIPE']) process.on(signal, () => {});
