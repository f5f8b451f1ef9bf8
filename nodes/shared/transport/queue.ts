/**
 * fal's queue (fal-protocol.md §1): submit to the endpoint, then status, status stream, result and
 * cancel under `owner/app/requests/{id}`. The options mirror fal-js's `queue.*` so call sites read
 * the same.
 */
import type { IDataObject } from 'n8n-workflow';

import { queueRequestUrl, submitUrl, type FalHosts } from './hosts';
import { headerValue, type SendFalRequest, type StreamBody } from './request';
import { DEFAULT_RETRY, RESULT_RETRY, STATUS_RETRY, SUBMIT_RETRY, withRetries } from './retry';
import { readStatusEvents } from './statusStream';

export type QueuePriority = 'normal' | 'low';

/** fal refuses a start timeout of 1 s or less (fal-js headers.ts `MIN_REQUEST_TIMEOUT_SECONDS`). */
export const MIN_START_TIMEOUT_SECONDS = 1;

export interface SubmitOptions {
	input: object;
	webhookUrl?: string;
	/** Seconds the job may wait in fal's queue before fal drops it (504, timeout type "user"). */
	startTimeout?: number;
	priority?: QueuePriority;
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
export function submitHeaders(options: Pick<SubmitOptions, 'priority' | 'startTimeout'>): Record<string, string> {
	const headers: Record<string, string> = { 'X-Fal-Queue-Priority': options.priority ?? 'normal' };
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

export function createQueue(send: SendFalRequest, hosts: FalHosts, signalFor: (own?: AbortSignal) => AbortSignal | undefined): FalQueue {
	return {
		async submit(endpoint, options) {
			const signal = signalFor(options.abortSignal);
			const request = {
				method: 'POST' as const,
				url: submitUrl(hosts, endpoint, options.webhookUrl),
				headers: submitHeaders(options),
				body: options.input as IDataObject,
				authenticated: true,
				abortSignal: signal,
			};
			const response = await withRetries(async () => await send<QueueSubmitted>(request), SUBMIT_RETRY, signal);
			return response.body;
		},

		async status(endpoint, options) {
			const signal = signalFor(options.abortSignal);
			const url = queueRequestUrl(hosts, endpoint, options.requestId, `/status${logsQuery(options.logs)}`);
			const response = await withRetries(async () => await send<QueueStatus>({ method: 'GET', url, authenticated: true, abortSignal: signal }), STATUS_RETRY, signal);
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
			const response = await withRetries(async () => await send<T>({ method: 'GET', url, authenticated: true, abortSignal: signal }), RESULT_RETRY, signal);
			return { data: response.body, requestId: headerValue(response.headers, 'x-fal-request-id') ?? '' };
		},

		async cancel(endpoint, options) {
			// Cancelling is what follows a Stop, so the execution's (aborted) signal must not stop it.
			const signal = options.abortSignal;
			const url = queueRequestUrl(hosts, endpoint, options.requestId, '/cancel');
			await withRetries(async () => await send({ method: 'PUT', url, authenticated: true, abortSignal: signal }), DEFAULT_RETRY, signal);
		},
	};
}
