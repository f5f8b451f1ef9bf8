'use strict';
/**
 * Processes and temporary files that must not outlive the launcher that made them (n8n, PostgreSQL,
 * Redis, the fake fal, n8n CLI commands; credential files in the temp folder).
 *   - spawnOwned() starts a process as the leader of its own process group and tells the watchdog
 *     (scripts/lib/orphan-watchdog.js, one per launcher, started on first use) about the group.
 *     If the launcher dies in any way (crash, SIGKILL, closed terminal), the watchdog stops the
 *     groups and deletes the paths registered with removeOnExit().
 *   - stopOwned() is the launcher's own orderly stop (Ctrl-C): from its first call on, spawnOwned()
 *     refuses to start anything, so a start-up still in flight cannot add a process after the signal.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const WATCHDOG = path.join(__dirname, 'orphan-watchdog.js');
const WATCHDOG_GRACE_MS = 15000;

/** pid → { child, stopSignal } of owned processes still running. */
const running = new Map();
const pathsToRemove = new Set();
let watchdog;
let closing = false;

class StoppingError extends Error {}

function tellWatchdog(line) {
	if (!watchdog) {
		watchdog = spawn(process.execPath, [WATCHDOG, String(process.pid), String(WATCHDOG_GRACE_MS)], {
			detached: true,
			stdio: ['pipe', 'ignore', 'ignore'],
		});
		// The launcher may end whenever its own work is done: the watchdog must not keep it alive.
		watchdog.unref();
		watchdog.stdin.unref?.();
		watchdog.stdin.on('error', () => {});
	}
	watchdog.stdin.write(`${line}\n`);
}

/**
 * child_process.spawn(), as the leader of a new process group the watchdog knows about.
 * `stopSignal`: what stops it gracefully (PostgreSQL: SIGINT, its fast shutdown).
 */
function spawnOwned(command, args, { stopSignal = 'SIGTERM', ...options } = {}) {
	if (closing) throw new StoppingError(`stopping: ${path.basename(command)} ${args[0] ?? ''} not started`);
	const child = spawn(command, args, { ...options, detached: true });
	if (child.pid !== undefined) {
		tellWatchdog(`group ${child.pid} ${stopSignal}`);
		running.set(child.pid, { child, stopSignal });
		child.once('exit', () => running.delete(child.pid));
	}
	return child;
}

/** Sends a signal to a child's whole process group (its task runner, PostgreSQL's backends, …). */
function signalGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

/**
 * Stops every owned process still running (its stop signal, SIGKILL after `graceMs`) and refuses
 * new ones from now on. Resolves once they exited.
 */
async function stopOwned({ graceMs = 15000 } = {}) {
	closing = true;
	const entries = [...running.values()];
	const exited = entries.map(({ child }) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve))));
	for (const { child, stopSignal } of entries) signalGroup(child, stopSignal);
	const timer = setTimeout(() => {
		for (const { child } of entries) signalGroup(child, 'SIGKILL');
	}, graceMs);
	await Promise.all(exited);
	clearTimeout(timer);
}

const isStopping = () => closing;

/** Deletes `target` when this process exits, or (via the watchdog) if it is killed. */
function removeOnExit(target) {
	pathsToRemove.add(target);
	tellWatchdog(`path ${target}`);
}

/** Deletes `target` now and forgets it. */
function removeNow(target) {
	fs.rmSync(target, { recursive: true, force: true });
	if (pathsToRemove.delete(target)) tellWatchdog(`unpath ${target}`);
}

process.on('exit', () => {
	for (const target of pathsToRemove) fs.rmSync(target, { recursive: true, force: true });
});

module.exports = { spawnOwned, signalGroup, stopOwned, isStopping, removeOnExit, removeNow, StoppingError };
