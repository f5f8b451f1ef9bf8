import { FalApiError, FalConnectionError } from '../../nodes/shared/transport/errors';
import { backoffDelayMs, DEFAULT_RETRY, isRetryable, parseRetryAfter, RESULT_RETRY, retryDelayMs, STATUS_RETRY, SUBMIT_RETRY } from '../../nodes/shared/transport/retry';

const apiError = (status: number, extra: { timeoutType?: string; retryAfterMs?: number } = {}) => new FalApiError({ status, body: undefined, ...extra });

describe('which failures are tried again', () => {
	test('429, 502, 503 and 504 are retried on status, result, stream, cancel and storage; 500 only on status', () => {
		for (const policy of [DEFAULT_RETRY, RESULT_RETRY, STATUS_RETRY]) {
			for (const status of [429, 502, 503, 504]) expect(isRetryable(apiError(status), policy)).toBe(true);
			for (const status of [400, 401, 403, 404, 422]) expect(isRetryable(apiError(status), policy)).toBe(false);
		}
		expect(isRetryable(apiError(500), STATUS_RETRY)).toBe(true);
		expect(isRetryable(apiError(500), RESULT_RETRY)).toBe(false);
	});

	test('a start timeout the user set (504, timeout type user) is never retried', () => {
		expect(isRetryable(apiError(504, { timeoutType: 'user' }), STATUS_RETRY)).toBe(false);
	});

	test('a submit is retried only when fal certainly did not take the job', () => {
		expect(isRetryable(apiError(429), SUBMIT_RETRY)).toBe(true);
		for (const status of [500, 502, 503, 504]) expect(isRetryable(apiError(status), SUBMIT_RETRY)).toBe(false);
		expect(isRetryable(new FalConnectionError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), SUBMIT_RETRY)).toBe(true);
		expect(isRetryable(new FalConnectionError('ENOTFOUND', 'getaddrinfo ENOTFOUND x'), SUBMIT_RETRY)).toBe(true);
		expect(isRetryable(new FalConnectionError('ECONNRESET', 'socket hang up'), SUBMIT_RETRY)).toBe(false);
		expect(isRetryable(new FalConnectionError('ECONNRESET', 'socket hang up'), STATUS_RETRY)).toBe(true);
	});

	test('anything else (an abort, a bug) is not retried', () => {
		expect(isRetryable(new Error('This operation was aborted'), STATUS_RETRY)).toBe(false);
	});
});

describe('how long to wait before the next try', () => {
	test('back-off doubles from 1 s, capped, with at most 25 % jitter either way', () => {
		expect(backoffDelayMs(0, DEFAULT_RETRY, 0.5)).toBe(1000);
		expect(backoffDelayMs(2, DEFAULT_RETRY, 0.5)).toBe(4000);
		expect(backoffDelayMs(0, DEFAULT_RETRY, 0)).toBe(750);
		expect(backoffDelayMs(0, DEFAULT_RETRY, 0.999999)).toBe(1250);
		expect(backoffDelayMs(10, DEFAULT_RETRY, 0.5)).toBe(DEFAULT_RETRY.maxDelayMs);
	});

	test("fal's Retry-After wins over back-off, in seconds or as a date, capped at the policy's maximum", () => {
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter('Sat, 28 Nov 2026 05:00:03 GMT', Date.parse('Sat, 28 Nov 2026 05:00:00 GMT'))).toBe(3000);
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
		expect(retryDelayMs(0, DEFAULT_RETRY, apiError(429, { retryAfterMs: 2000 }), 0.5)).toBe(2000);
		expect(retryDelayMs(0, DEFAULT_RETRY, apiError(429, { retryAfterMs: 3_600_000 }), 0.5)).toBe(DEFAULT_RETRY.maxDelayMs);
		expect(retryDelayMs(1, DEFAULT_RETRY, apiError(503), 0.5)).toBe(2000);
	});
});
