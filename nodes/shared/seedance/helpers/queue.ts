import { sleep } from '../../transport/sleep';

import type { FalTransport, QueueStatus } from '../../transport';

import { JobInterruptedError } from './errors';

/**
 * When fal's status stream is not available: fal-js's own default poll interval, so a finished
 * video is still noticed within about half a second.
 */
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
export async function cancelQuietly(client: FalTransport, job: FalJob): Promise<boolean> {
	return await client.queue.cancel(job.endpoint, { requestId: job.requestId }).then(
		() => true,
		() => false,
	);
}

type StatusUpdate = Pick<QueueStatus, 'status' | 'metrics'>;

/** Notes what a status update tells about the job's timing; true once it says COMPLETED. */
function recordStatus(timings: JobTimings, update: StatusUpdate | undefined): boolean {
	if (update?.status === 'IN_PROGRESS' && timings.startedAt === undefined) timings.startedAt = Date.now();
	if (update?.status !== 'COMPLETED') return false;
	const completedAt = Date.now();
	const inference = update.metrics?.inference_time;
	if (typeof inference === 'number') timings.inferenceSeconds = inference;
	// A short job can finish between two updates; fal's inference time then places its start.
	const startedFromMetrics = typeof inference === 'number' ? completedAt - inference * 1000 : completedAt;
	timings.startedAt ??= Math.max(timings.submittedAt, Math.round(startedFromMetrics));
	timings.completedAt = completedAt;
	return true;
}

type StreamOutcome = 'completed' | 'stopped' | 'unavailable';

/**
 * Follows fal's status stream (server-sent events): one request per job, and completion is seen
 * the moment fal sends it. Stop or the deadline ends the stream. A stream that fails or closes
 * early (a proxy that cuts long requests) gives 'unavailable', and the caller polls instead.
 */
async function followStatusStream(client: FalTransport, job: FalJob, timings: JobTimings, limits: WaitLimits): Promise<StreamOutcome> {
	const stop = signalUntil(limits.deadline, limits.signal);
	if (stop.aborted) return 'stopped';
	const last = await client.queue
		.streamStatus(job.endpoint, { requestId: job.requestId, logs: false, abortSignal: stop, onUpdate: (update) => recordStatus(timings, update) })
		.catch(() => undefined);
	if (timings.completedAt !== undefined || recordStatus(timings, last)) return 'completed';
	return stop.aborted ? 'stopped' : 'unavailable';
}

/** The fallback: asks for the status every POLL_INTERVAL_MS until COMPLETED, Stop or the deadline. */
async function pollStatus(client: FalTransport, job: FalJob, timings: JobTimings, limits: WaitLimits): Promise<void> {
	for (;;) {
		if (limits.signal?.aborted) return;
		if (Date.now() >= limits.deadline) return;
		const status = await client.queue.status(job.endpoint, {
			requestId: job.requestId,
			logs: false,
			abortSignal: signalUntil(limits.deadline, limits.signal),
		});
		if (recordStatus(timings, status)) return;
		// A signal of its own: every item of the batch waiting on the shared one trips Node's
		// listener-leak warning above 10 items.
		const wait = limits.signal ? AbortSignal.any([limits.signal]) : undefined;
		await sleep(Math.max(0, Math.min(POLL_INTERVAL_MS, limits.deadline - Date.now())), wait);
	}
}

async function pollUntilCompleted(client: FalTransport, job: FalJob, timings: JobTimings, limits: WaitLimits): Promise<void> {
	const outcome = await followStatusStream(client, job, timings, limits);
	if (outcome === 'unavailable') await pollStatus(client, job, timings, limits);
}

/**
 * Polls the job's status until fal reports COMPLETED. When the deadline passes or the execution is
 * stopped, the fal job is cancelled (abort alone leaves it running and billed) and a
 * JobInterruptedError names the request.
 */
export async function waitForCompletion(
	client: FalTransport,
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
