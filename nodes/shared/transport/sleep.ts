/**
 * n8n's `sleep`, ended early by an abort signal on every n8n line. n8n-workflow 2.x's
 * `sleep(ms, signal)` rejects when the signal aborts; 1.x's `sleep(ms)` ignores a signal (a Stop
 * would wait out a whole retry back-off) and offers `sleepWithAbort(ms, signal)` instead, which
 * 2.x no longer exports. Timers themselves are n8n's: community nodes may not call setTimeout.
 */
import * as workflow from 'n8n-workflow';

type SleepWithAbort = (ms: number, signal: AbortSignal) => Promise<void>;

export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	const sleepWithAbort = (workflow as unknown as { sleepWithAbort?: SleepWithAbort }).sleepWithAbort;
	if (signal && typeof sleepWithAbort === 'function') return await sleepWithAbort(ms, signal);
	return await workflow.sleep(ms, signal);
}
