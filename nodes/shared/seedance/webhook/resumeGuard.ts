/**
 * What this n8n process remembers about a waiting batch between its callbacks: the jobs already
 * known to be done (so a callback does not ask fal about them again) and whether a callback has
 * already resumed the execution.
 *
 * Why our own guard: n8n 2.41 refuses a callback for an execution whose status is already
 * 'running' (409, n8n/dist/webhooks/waiting-webhooks.js), but two callbacks that arrive together
 * both load the execution while it is still 'waiting', both run `webhook()`, and both would
 * resume it (two runs, every video downloaded twice). The claim below lets only the first one
 * resume. It is per process: in queue mode with several webhook processes, two callbacks for the
 * same batch that reach two processes at the same moment are not stopped by it (n8n's own 409
 * still stops any that arrive after the resume has started).
 */
import type { WaitState } from './waitState';

interface BatchMemory {
	completed: Set<string>;
	resumed: boolean;
	/** Forgotten an hour after the batch's time limit (fal stops delivering after about 2 h). */
	forgetAt: number;
}

const KEEP_AFTER_DEADLINE_MS = 3 * 60 * 60 * 1000;
const batches = new Map<string, BatchMemory>();

/** The batch's first request id: unique to one waiting node run. */
export function batchKeyOf(state: WaitState): string {
	return state.jobs[0]?.requestId ?? `deadline-${state.deadline}`;
}

function prune(nowMs: number): void {
	for (const [key, memory] of batches) if (memory.forgetAt < nowMs) batches.delete(key);
}

function memoryOf(key: string, deadline: number, nowMs: number): BatchMemory {
	let memory = batches.get(key);
	if (!memory) {
		prune(nowMs);
		memory = { completed: new Set(), resumed: false, forgetAt: deadline + KEEP_AFTER_DEADLINE_MS };
		batches.set(key, memory);
	}
	return memory;
}

/** The request ids of this batch known to be done; callers add to it. */
export function completedJobsOf(key: string, deadline: number, nowMs: number): Set<string> {
	return memoryOf(key, deadline, nowMs).completed;
}

/** True for the first caller only: that one resumes the execution. */
export function claimResume(key: string): boolean {
	const memory = batches.get(key);
	if (!memory) return true;
	if (memory.resumed) return false;
	memory.resumed = true;
	return true;
}
