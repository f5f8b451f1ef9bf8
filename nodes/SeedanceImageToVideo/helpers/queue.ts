import type { FalClient } from '../transport/falClient';
import { sleep } from 'n8n-workflow';

import { JobInterruptedError } from './errors';

/** fal-js polls every 500 ms by default; a finished video is noticed within about half a second. */
export const POLL_INTERVAL_MS = 500;

export interface FalJob {
	endpoint: string;
	requestId: string;
}

export interface JobTimings {
	submittedAt: number;
	startedAt?: number;
	completedAt?: number;
	/** fal's own measure of the generation, from the COMPLETED status's metrics. */
	inferenceSeconds?: number;
}

export interface WaitLimits {
	deadline: number;
	/** The execution's cancel signal (Stop button, workflow timeout), possibly combined with others. */
	signal?: AbortSignal;
}

function signalUntil(deadline: number, signal?: AbortSignal): AbortSignal {
	const timeout = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
	return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Asks fal to drop the job; fal answers 400 once it finished, which is fine here. */
export async function cancelQuietly(client: FalClient, job: FalJob): Promise<boolean> {
	return await client.queue.cancel(job.endpoint, { requestId: job.requestId }).then(
		() => true,
		() => false,
	);
}

async function pollUntilCompleted(client: FalClient, job: FalJob, timings: JobTimings, limits: WaitLimits): Promise<void> {
	for (;;) {
		if (limits.signal?.aborted) return;
		if (Date.now() >= limits.deadline) return;
		const status = await client.queue.status(job.endpoint, {
			requestId: job.requestId,
			logs: false,
			abortSignal: signalUntil(limits.deadline, limits.signal),
		});
		if (status.status === 'IN_PROGRESS' && timings.startedAt === undefined) timings.startedAt = Date.now();
		if (status.status === 'COMPLETED') {
			const completedAt = Date.now();
			const inference = (status as { metrics?: { inference_time?: number } }).metrics?.inference_time;
			if (typeof inference === 'number') timings.inferenceSeconds = inference;
			// A short job can finish between two polls; fal's inference time then places its start.
			const startedFromMetrics = typeof inference === 'number' ? completedAt - inference * 1000 : completedAt;
			timings.startedAt ??= Math.max(timings.submittedAt, Math.round(startedFromMetrics));
			timings.completedAt = completedAt;
			return;
		}
		await sleep(Math.max(0, Math.min(POLL_INTERVAL_MS, limits.deadline - Date.now())), limits.signal);
	}
}

/**
 * Polls the job's status until fal reports COMPLETED. When the deadline passes or the execution is
 * stopped, the fal job is cancelled (abort alone leaves it running and billed) and a
 * JobInterruptedError names the request.
 */
export async function waitForCompletion(
	client: FalClient,
	job: FalJob,
	timings: JobTimings,
	limits: WaitLimits,
	timeoutSeconds: number,
): Promise<void> {
	const failure = await pollUntilCompleted(client, job, timings, limits).then(
		() => undefined,
		(error: unknown) => error ?? new Error('status polling failed'),
	);
	if (timings.completedAt !== undefined) return;
	const stopped = limits.signal?.aborted === true;
	const timedOut = !stopped && Date.now() >= limits.deadline;
	if (!stopped && !timedOut) throw failure;

	const cancelled = await cancelQuietly(client, job);
	const cancelNote = cancelled ? 'The fal job was cancelled' : 'Cancelling the fal job failed; it may still finish and be billed';
	if (stopped) {
		throw new JobInterruptedError(
			`The execution was stopped while Seedance was generating (request ${job.requestId})`,
			job.requestId,
			`${cancelNote}.`,
		);
	}
	throw new JobInterruptedError(
		`Seedance did not finish within the wait timeout of ${timeoutSeconds} s (request ${job.requestId})`,
		job.requestId,
		`${cancelNote}. Raise Options → Wait Timeout, or use Submit Only with the Seedance Trigger for long videos.`,
	);
}
