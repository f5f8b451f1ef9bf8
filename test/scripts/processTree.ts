/**
 * Reads the process tree from /proc, to prove that a launcher's children end with it: a snapshot of
 * everything below a pid (each with its start time, so a reused pid is not mistaken for it, and its
 * session, which the detached children lead), then a poll until none is left.
 */
import * as fs from 'node:fs';

export interface ProcessInfo {
	pid: number;
	ppid: number;
	sid: number;
	startTime: string;
	command: string;
}

function readProcess(pid: number): (ProcessInfo & { state: string }) | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
		// fields: state ppid pgrp session … starttime (field 22 of stat = index 19 here)
		return { pid, state: fields[0], ppid: Number(fields[1]), sid: Number(fields[3]), startTime: fields[19], command };
	} catch {
		return undefined;
	}
}

function allProcesses(): Array<ProcessInfo & { state: string }> {
	return fs
		.readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.map((entry) => readProcess(Number(entry)))
		.filter((info): info is ProcessInfo & { state: string } => info !== undefined);
}

/** Every live process below `rootPid` (children, their children, …). */
export function descendantsOf(rootPid: number): ProcessInfo[] {
	const all = allProcesses().filter((info) => info.state !== 'Z');
	const found: ProcessInfo[] = [];
	const parents = new Set([rootPid]);
	for (let grew = true; grew; ) {
		grew = false;
		for (const info of all) {
			if (parents.has(info.ppid) && !parents.has(info.pid)) {
				parents.add(info.pid);
				found.push(info);
				grew = true;
			}
		}
	}
	return found;
}

/** A mark (`name=value` in the environment) that a test gives its launcher and its children inherit. */
export type EnvMark = [name: string, value: string];

/**
 * The processes of a snapshot still alive (same pid and start time, not a zombie), plus any live
 * process in a session that one of them led or carrying the mark (spawned after the snapshot).
 */
export function survivors(snapshot: ProcessInfo[], mark?: EnvMark): ProcessInfo[] {
	const known = new Map(snapshot.map((info) => [info.pid, info.startTime]));
	const sessions = new Set(snapshot.filter((info) => info.sid === info.pid).map((info) => info.sid));
	const found: ProcessInfo[] = allProcesses().filter((info) => info.state !== 'Z' && (known.get(info.pid) === info.startTime || sessions.has(info.sid)));
	for (const info of mark ? processesWithEnv(...mark) : []) if (!found.some((other) => other.pid === info.pid)) found.push(info);
	return found.filter((info) => info.pid !== process.pid);
}

/** Polls until no process of the snapshot is left; resolves with those still alive at the deadline. */
export async function waitUntilGone(snapshot: ProcessInfo[], timeoutMs: number, mark?: EnvMark): Promise<ProcessInfo[]> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const alive = survivors(snapshot, mark);
		if (alive.length === 0 || Date.now() > deadline) return alive;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Clean-up after a failed test: SIGKILL whatever of the snapshot is still alive. */
export function killSurvivors(snapshot: ProcessInfo[], mark?: EnvMark): void {
	for (const info of survivors(snapshot, mark)) {
		try {
			process.kill(info.pid, 'SIGKILL');
		} catch {
			// gone
		}
	}
}

/** Live processes whose environment holds `name=value` (a mark a test gives its launcher). */
export function processesWithEnv(name: string, value: string): ProcessInfo[] {
	return allProcesses().filter((info) => {
		if (info.state === 'Z') return false;
		try {
			return fs.readFileSync(`/proc/${info.pid}/environ`, 'utf8').split('\0').includes(`${name}=${value}`);
		} catch {
			return false;
		}
	});
}
