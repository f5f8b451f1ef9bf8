/**
 * How long each kind of request to fal may go without a byte moving (axios's `timeout`, which n8n
 * passes on: an idle timer on the socket, so a large upload or download that keeps moving is never
 * cut). Without these, n8n's HTTP helpers fall back to axios's 300 s default for every request.
 */

/**
 * A submit only queues the job: fal answers within a second. Kept short because a Stop that arrives
 * meanwhile waits for this answer (so the job can be cancelled), and a submit that timed out is
 * never retried: fal may have queued it.
 */
export const SUBMIT_TIMEOUT_MS = 30_000;

/** A status read: small and idempotent, retried after a timeout. */
export const STATUS_TIMEOUT_MS = 30_000;

/** The result JSON (video URL, seed): small, but read once per job, so given more room. */
export const RESULT_TIMEOUT_MS = 60_000;

/** Cancel, after a Stop: short, so a stopped execution ends soon even when fal is slow to answer. */
export const CANCEL_TIMEOUT_MS = 30_000;

/** Upload initiation and each PUT of a reference file to fal's storage. */
export const UPLOAD_TIMEOUT_MS = 120_000;

/** The video download from fal's CDN (idle time, not the whole transfer). */
export const DOWNLOAD_TIMEOUT_MS = 120_000;

/** One request timeout per kind; `createFalTransport` takes other values (tests use short ones). */
export interface RequestTimeouts {
	submit: number;
	status: number;
	result: number;
	cancel: number;
	upload: number;
}

export const REQUEST_TIMEOUTS_MS: RequestTimeouts = {
	submit: SUBMIT_TIMEOUT_MS,
	status: STATUS_TIMEOUT_MS,
	result: RESULT_TIMEOUT_MS,
	cancel: CANCEL_TIMEOUT_MS,
	upload: UPLOAD_TIMEOUT_MS,
};
