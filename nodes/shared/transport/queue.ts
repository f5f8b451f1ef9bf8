/**
 * fal's queue (fal-protocol.md §1): submit to the endpoint, then status, status stream, result and
 * cancel under `owner/app/requests/{id}`. The options mirror fal-js's `queue.*` so call sites read
 * the same.
 */
import type { IDataObject } from 'n8n-workflow';

import { FalConnectionError, SubmitInterruptedError, SubmitUnansweredError } from './errors';
import { submitStorageHeaders, type StoragePreferences } from './lifecycle';
import { queueRequestUrl, submitUrl, type FalHosts } from './hosts';
import { headerValue, type SendFalRequest, type StreamBody } from './request';
import { DEFAULT_RETRY, NOT_SENT_CONNECTION_CODES, RESULT_RETRY, STATUS_RETRY, SUBMIT_RETRY, withRetries } from './retry';
import { readStatusEvents } from './statusStream';
import { REQUEST_TIMEOUTS_MS, type RequestTimeouts } from './timeouts';

export type QueuePriority = 'normal' | 'low';

/** fal refuses a start timeout of 1 s or less (fal-js headers.ts `MIN_REQUEST_TIMEOUT_SECONDS`). */
export const MIN_START_TIMEOUT_SECONDS = 1;

export interface SubmitOptions {
	input: object;
	webhookUrl?: string;
	/** Seconds the job may wait in fal's queue before fal drops it (504, timeout type "user"). */
	startTimeout?: number;
	priority?: QueuePriority;
	/** What fal keeps: the outputs' ACL and expiry, and whether it stores the payloads (lifecycle.ts). */
	storage?: StoragePreferences;
	/**
	 * Stops the submit only until it is sent. Once sent, fal's answer is awaited (its own timeout, SUBMIT_TIMEOUT_MS):
	 * fal queues the job either way, and only the answer tells its id. If the signal aborted
	 * meanwhile, the job is cancelled at once and a SubmitInterruptedError names it.
	 */
	abortSignal?: AbortSignal;
}

export interface QueueSubmitted {
	request_id: string;
	status: string;
	queue_position?: number;
	status_url?: string;
	response_url?: string;
	cancel_url?: string;
}

export interface QueueLog {
	message: string;
	level?: string;
	source?: string;
	timestamp?: string;
}

export interface QueueStatus {
	status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | string;
	request_id?: string;
	queue_position?: number;
	logs?: QueueLog[];
	metrics?: { inference_time?: number };
	response_url?: string;
}

export interface RequestOptions {
	requestId: string;
	abortSignal?: AbortSignal;
}

export interface StatusOptions extends RequestOptions {
	logs?: boolean;
}

export interface StreamStatusOptions extends StatusOptions {
	/** Every status update, as fal sends it. */
	onUpdate?: (update: QueueStatus) => void;
}

export interface QueueResult<T> {
	data: T;
	/** `x-fal-request-id` of the answer, "" when fal sent none (as fal-js). */
	requestId: string;
}

/**
 * The submit headers: priority (always, as fal-js), and the start timeout under both names: fal's
 * docs call it `X-Fal-Request-Start-Timeout` and deprecate `X-Fal-Request-Timeout`, which fal-js
 * 1.10.1 still sends, so either gateway reading applies it.
 */
export function submitHeaders(options: Pick<SubmitOptions, 'priority' | 'startTimeout' | 'storage'>): Record<string, string> {
	const headers: Record<string, string> = { 'X-Fal-Queue-Priority': options.priority ?? 'normal', ...submitStorageHeaders(options.storage) };
	if (options.startTimeout !== undefined) {
		if (!Number.isFinite(options.startTimeout) || options.startTimeout <= MIN_START_TIMEOUT_SECONDS) {
			throw new Error(`The start timeout must be more than ${MIN_START_TIMEOUT_SECONDS} s, not ${options.startTimeout}`);
		}
		const seconds = String(Math.floor(options.startTimeout));
		headers['X-Fal-Request-Timeout'] = seconds;
		headers['X-Fal-Request-Start-Timeout'] = seconds;
	}
	return headers;
}

export interface FalQueue {
	submit(endpoint: string, options: SubmitOptions): Promise<QueueSubmitted>;
	status(endpoint: string, options: StatusOptions): Promise<QueueStatus>;
	/** Follows the status stream until fal closes it; resolves with the last update. */
	streamStatus(endpoint: string, options: StreamStatusOptions): Promise<QueueStatus | undefined>;
	result<T = IDataObject>(endpoint: string, options: RequestOptions): Promise<QueueResult<T>>;
	/** Throws fal's 400 `{status: 'ALREADY_COMPLETED'}` once the job finished, as fal-js does. */
	cancel(endpoint: string, options: RequestOptions): Promise<void>;
}

const logsQuery = (logs: boolean | undefined) => `?logs=${logs ? '1' : '0'}`;

/** Where the transport reports a job it had to cancel (n8n's logger of the execution). */
export type QueueWarn = (message: string, meta: IDataObject) => void;

class SubmitNotSentError extends Error {
	constructor() {
		super('The run was stopped before the video was submitted');
		this.name = 'SubmitNotSentError';
	}
}

export function createQueue(
	send: SendFalRequest,
	hosts: FalHosts,
	signalFor: (own?: AbortSignal) => AbortSignal | undefined,
	warn: QueueWarn = () => undefined,
	timeouts: RequestTimeouts = REQUEST_TIMEOUTS_MS,
): FalQueue {
	const queue: FalQueue = {
		async submit(endpoint, options) {
			const stop = signalFor(options.abortSignal);
			// No abort signal on the request itself: dropping it after fal received it leaves a
			// queued, billed job whose id nobody learns.
			const request = {
				method: 'POST' as const,
				url: submitUrl(hosts, endpoint, options.webhookUrl),
				headers: submitHeaders(options),
				body: options.input as IDataObject,
				authenticated: true,
				timeoutMs: timeouts.submit,
			};
			const sentAt = new Date().toISOString();
			const response = await withRetries(
				async () => {
					if (stop?.aborted) throw new SubmitNotSentError();
					return await send<QueueSubmitted>(request);
				},
				SUBMIT_RETRY,
				stop,
			).catch((error: unknown) => {
				if (!(error instanceof FalConnectionError) || NOT_SENT_CONNECTION_CODES.has(error.code)) throw error;
				const unanswered = new SubmitUnansweredError(error, endpoint, sentAt);
				warn(`Seedance: fal did not answer a submit to ${endpoint} sent at ${sentAt} (${unanswered.reason}); fal may have queued the job, and will then bill it`, {
					endpoint,
					sentAt,
				});
				throw unanswered;
			});
			const submitted = response.body;
			if (!stop?.aborted) return submitted;
			const requestId = submitted.request_id;
			const cancelled = await queue.cancel(endpoint, { requestId }).then(
				() => true,
				() => false,
			);
			warn(`Seedance: fal request ${requestId} was submitted as the run stopped; ${cancelled ? 'cancelled it' : 'cancelling it failed, it may still be billed'}`, {
				requestId,
				endpoint,
				cancelled,
			});
			throw new SubmitInterruptedError(requestId, cancelled);
		},

		async status(endpoint, options) {
			const signal = signalFor(options.abortSignal);
			const url = queueRequestUrl(hosts, endpoint, options.requestId, `/status${logsQuery(options.logs)}`);
			const response = await withRetries(
				async () => await send<QueueStatus>({ method: 'GET', url, authenticated: true, abortSignal: signal, timeoutMs: timeouts.status }),
				STATUS_RETRY,
				signal,
			);
			return response.body;
		},

		async streamStatus(endpoint, options) {
			const signal = signalFor(options.abortSignal);
			const url = queueRequestUrl(hosts, endpoint, options.requestId, `/status/stream${logsQuery(options.logs)}`);
			const response = await withRetries(
				async () =>
					await send<StreamBody>({ method: 'GET', url, headers: { Accept: 'text/event-stream' }, authenticated: true, stream: true, abortSignal: signal }),
				DEFAULT_RETRY,
				signal,
			);
			return await readStatusEvents<QueueStatus>(response.body, options.onUpdate ?? (() => undefined), signal);
		},

		async result<T>(endpoint: string, options: RequestOptions) {
			const signal = signalFor(options.abortSignal);
			const url = queueRequestUrl(hosts, endpoint, options.requestId);
			const response = await withRetries(
				async () => await send<T>({ method: 'GET', url, authenticated: true, abortSignal: signal, timeoutMs: timeouts.result }),
				RESULT_RETRY,
				signal,
			);
			return { data: response.body, requestId: headerValue(response.headers, 'x-fal-request-id') ?? '' };
		},

		async cancel(endpoint, options) {
			// Cancelling is what follows a Stop, so the execution's (aborted) signal must not stop it.
			const signal = options.abortSignal;
			const url = queueRequestUrl(hosts, endpoint, options.requestId, '/cancel');
			await withRetries(async () => await send({ method: 'PUT', url, authenticated: true, abortSignal: signal, timeoutMs: timeouts.cancel }), DEFAULT_RETRY, signal);
		},
	};
	return queue;
}
