/**
 * When a failed fal request is tried again (README, "Retries"). The same codes and back-off as
 * fal-js (retry.ts, queue.ts), plus `Retry-After`, and one deliberate difference: a submit is
 * retried only when fal certainly did not take the job, because a duplicate job is a duplicate bill.
 */
import { sleep } from './sleep';

import { FalApiError, FalConnectionError } from './errors';

export interface RetryPolicy {
	/** Tries after the first one. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	retryableStatuses: readonly number[];
	/** Connection error codes worth another try; undefined = every connection error. */
	retryableConnectionCodes?: ReadonlySet<string>;
}

export const RETRYABLE_STATUSES = [429, 502, 503, 504] as const;

/** fal-js `DEFAULT_RETRY_OPTIONS`: status stream, cancel, storage. */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 30_000, retryableStatuses: RETRYABLE_STATUSES };

/** fal-js `QUEUE_RETRY_CONFIG`: result. */
export const RESULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 60_000, retryableStatuses: RETRYABLE_STATUSES };

/** fal-js `QUEUE_STATUS_RETRY_CONFIG`: status is read-only, so it is retried longer and on 500 too. */
export const STATUS_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 30_000, retryableStatuses: [...RETRYABLE_STATUSES, 500] };

/** Connection failures that happen before a byte is sent: the request never reached fal. */
export const NOT_SENT_CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Submit: only a 429 (fal refused the request) and a connection that was never made. fal-js also
 * retries 502/503/504 and reset connections; those may come after fal queued the job.
 */
export const SUBMIT_RETRY: RetryPolicy = { ...RESULT_RETRY, retryableStatuses: [429], retryableConnectionCodes: NOT_SENT_CONNECTION_CODES };

/** Whether the policy allows another try after this error (never after a user start timeout). */
export function isRetryable(error: unknown, policy: RetryPolicy): boolean {
	if (error instanceof FalApiError) return !error.isUserTimeout && policy.retryableStatuses.includes(error.status);
	if (error instanceof FalConnectionError) return policy.retryableConnectionCodes?.has(error.code) ?? true;
	return false;
}

/** `base · 2^attempt`, capped, ±25 % jitter (fal-js `calculateBackoffDelay`). `random` is in [0, 1). */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random = Math.random()): number {
	const exponential = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
	const jitter = 0.25 * exponential * (random * 2 - 1);
	return Math.max(0, Math.round(exponential + jitter));
}

/** `Retry-After` as milliseconds: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	const text = value?.trim();
	if (!text) return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The wait before the next try: the server's `Retry-After` when it gave one (capped), else back-off. */
export function retryDelayMs(attempt: number, policy: RetryPolicy, error: unknown, random = Math.random()): number {
	const retryAfter = error instanceof FalApiError ? error.retryAfterMs : undefined;
	if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelayMs);
	return backoffDelayMs(attempt, policy, random);
}

/** Runs `operation`, trying again as the policy allows; waits with n8n's `sleep`, stopped by `signal`. */
export async function withRetries<T>(operation: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		const outcome = await operation().then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (outcome.ok) return outcome.value;
		if (attempt >= policy.maxRetries || signal?.aborted || !isRetryable(outcome.error, policy)) throw outcome.error;
		await sleep(retryDelayMs(attempt, policy, outcome.error), signal);
	}
}
