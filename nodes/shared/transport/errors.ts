/**
 * What a failed fal request throws. `FalApiError` keeps the fields fal-js's `ApiError` has and
 * `helpers/errors.ts toNodeError` reads (status, body, requestId), so users see the same messages.
 */
export class FalApiError extends Error {
	readonly status: number;
	readonly body: unknown;
	readonly requestId?: string;
	/** `X-Fal-Request-Timeout-Type`: "user" when a start timeout the caller set ran out. */
	readonly timeoutType?: string;
	/** `Retry-After` in milliseconds, when fal sent one. */
	readonly retryAfterMs?: number;

	constructor(options: { status: number; statusText?: string; body: unknown; requestId?: string; timeoutType?: string; retryAfterMs?: number }) {
		super(errorMessage(options.status, options.statusText, options.body));
		this.name = 'FalApiError';
		this.status = options.status;
		this.body = options.body;
		this.requestId = options.requestId;
		this.timeoutType = options.timeoutType;
		this.retryAfterMs = options.retryAfterMs;
	}

	get isUserTimeout(): boolean {
		return this.status === 504 && this.timeoutType === 'user';
	}
}

/**
 * The run was stopped (Stop, a timeout, another item's failure) while fal was answering a submit.
 * fal had the job by then, so it was cancelled at once; its id is what the user needs to check it.
 */
export class SubmitInterruptedError extends Error {
	constructor(
		readonly requestId: string,
		readonly cancelled: boolean,
	) {
		super(`The run was stopped while the video was being submitted (request ${requestId})`);
		this.name = 'SubmitInterruptedError';
	}

	get hint(): string {
		return this.cancelled
			? 'fal had already queued the job; it was cancelled at once.'
			: 'fal had already queued the job and cancelling it failed: it may still run and be billed. Cancel it with the Cancel operation and this request ID.';
	}
}

/**
 * A submit that reached fal but got no answer: its own timeout ran out, or the connection dropped
 * after the request was sent. fal may have queued the job, and then it runs and is billed, under a
 * request ID nobody learned; the submit is not sent again (that could make and bill it twice). The
 * message stays the connection error's, so callers that read the code still do.
 */
export class SubmitUnansweredError extends Error {
	readonly code: string;

	constructor(
		connectionError: FalConnectionError,
		readonly endpoint: string,
		/** When the submit was sent (ISO 8601): where to start looking in fal's request history. */
		readonly sentAt: string,
	) {
		super(connectionError.message, { cause: connectionError.cause });
		this.name = 'SubmitUnansweredError';
		this.code = connectionError.code;
	}

	/** "no answer within 30 s", "connection closed unexpectedly". */
	get reason(): string {
		return this.cause instanceof Error ? this.cause.message : this.code;
	}

	get hint(): string {
		return [
			'Look for the job before you run this item again, or the video may be made and billed twice:',
			`in your fal dashboard's request history, or with fal's Platform API (any API key): GET /v1/models/requests/by-endpoint?endpoint_id=${this.endpoint}&start=${this.sentAt}.`,
			'Cancel it there, or with the Cancel operation and its request ID.',
		].join(' ');
	}
}

/** Words for the codes, so messages read well (n8n swaps any message naming a code for its own text). */
const CONNECTION_PROBLEMS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection closed unexpectedly',
	ECONNABORTED: 'connection aborted',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	ETIMEDOUT: 'connection timed out',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EPIPE: 'connection closed while sending',
};

/** The connection failed before fal answered (refused, reset, DNS, dropped socket). */
export class FalConnectionError extends Error {
	constructor(
		readonly code: string,
		detail: string,
	) {
		// The code in the message lets `toNodeError` recognise a transport failure ("Could not reach
		// fal (<cause>)"); the cause is what the user reads, without the code.
		super(`fal request failed: ${code}`, { cause: new Error(describeConnectionProblem(code, detail)) });
		this.name = 'FalConnectionError';
	}
}

/** "connection refused (127.0.0.1:9)" from code ECONNREFUSED and "connect ECONNREFUSED 127.0.0.1:9". */
export function describeConnectionProblem(code: string, detail: string): string {
	if (/^no answer within/.test(detail)) return detail;
	const problem = CONNECTION_PROBLEMS[code] ?? 'connection failed';
	const address = /\s((?:\[[0-9a-f:]+\]|[\w.-]+):\d+)\s*$/i.exec(detail)?.[1];
	return address ? `${problem} (${address})` : problem;
}

/** As fal-js words it: a JSON body's `message`, else the status text; "HTTP n: text" for anything else. */
function errorMessage(status: number, statusText: string | undefined, body: unknown): string {
	if (typeof body !== 'object' || body === null) return `HTTP ${status}: ${statusText ?? ''}`.trim();
	const message = (body as { message?: unknown }).message;
	if (typeof message === 'string' && message) return message;
	return statusText || `HTTP ${status}`;
}

/** Transport-level error codes worth retrying (fal-js retry.ts, `RETRYABLE_NETWORK_ERROR_CODES`). */
export const RETRYABLE_CONNECTION_CODES = new Set([
	'ECONNABORTED',
	'ECONNREFUSED',
	'ECONNRESET',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EPIPE',
	'ETIMEDOUT',
	'UND_ERR_BODY_TIMEOUT',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_SOCKET',
]);

const SOCKET_HANG_UP = /socket hang up/i;
/** axios's own timeout (`timeout of 30000ms exceeded`, code ECONNABORTED or ETIMEDOUT). */
const AXIOS_TIMEOUT = /^timeout (of \d+ms )?exceeded/i;

interface ErrorLike {
	name?: unknown;
	code?: unknown;
	message?: unknown;
	cause?: unknown;
	/** Where a NodeApiError keeps what it wraps when that is not an `Error` of its realm. */
	errorResponse?: unknown;
	/**
	 * n8n 1.x: the NodeApiError that `httpRequestWithAuthentication` throws loses its `cause` (a
	 * class field resets it) and keeps only the axios error's code here, its message in `messages`.
	 */
	httpCode?: unknown;
	messages?: unknown;
}

const CANCELLED_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

function originalMessage(messages: unknown, fallback: string): string {
	return Array.isArray(messages) && typeof messages[0] === 'string' ? messages[0] : fallback;
}

/**
 * The connection error buried in what n8n's HTTP helpers threw (an axios error, possibly wrapped
 * in a NodeApiError as `cause` or `errorResponse`), or undefined when it is something else (e.g.
 * the request was cancelled). The request's own timeout becomes ETIMEDOUT, with its length.
 */
export function connectionErrorOf(error: unknown, timeoutMs?: number): FalConnectionError | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	let hangUp: string | undefined;
	while (typeof current === 'object' && current !== null && !seen.has(current)) {
		seen.add(current);
		const { name, code, message, cause, errorResponse, httpCode, messages } = current as ErrorLike;
		if (name === 'AbortError' || name === 'CanceledError' || CANCELLED_CODES.has(String(code)) || CANCELLED_CODES.has(String(httpCode))) return undefined;
		// n8n 1.x rewrites the message of a timeout ("The connection was aborted…"); `messages` keeps axios's.
		const timeoutText = [message, originalMessage(messages, '')].find((text): text is string => typeof text === 'string' && AXIOS_TIMEOUT.test(text));
		if (timeoutText !== undefined) {
			return new FalConnectionError('ETIMEDOUT', timeoutMs ? `no answer within ${timeoutMs / 1000} s` : timeoutText);
		}
		if (typeof code === 'string' && RETRYABLE_CONNECTION_CODES.has(code)) {
			return new FalConnectionError(code, typeof message === 'string' ? message : code);
		}
		if (typeof httpCode === 'string' && RETRYABLE_CONNECTION_CODES.has(httpCode)) {
			return new FalConnectionError(httpCode, originalMessage(messages, httpCode));
		}
		if (typeof message === 'string' && SOCKET_HANG_UP.test(message)) hangUp = message;
		current = cause ?? errorResponse;
	}
	return hangUp ? new FalConnectionError('ECONNRESET', hangUp) : undefined;
}
