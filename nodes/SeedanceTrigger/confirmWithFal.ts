/**
 * A valid signature proves that fal sent a webhook, not that the job is ours: anyone can submit a
 * job with `fal_webhook` set to this trigger's URL (fal-protocol.md, "Ownership and trust"). So the
 * request is looked up in fal's queue with this trigger's own key, and the result (video URL,
 * seed, or the error) is taken from fal's answer, never from the webhook body. fal answers another
 * account's request id like an unknown one (404).
 */
import type { IDataObject } from 'n8n-workflow';

import { DRAFT_COMPLETE_ENDPOINT, VARIANTS } from '../shared/schema';
import type { FalTransport } from '../shared/transport';
import { appIdOf } from '../shared/transport/hosts';

export type FalConfirmation =
	/** `app`: the Seedance owner/app that knows the request (the version that made it). */
	| { kind: 'ok'; output: IDataObject; app: string }
	| { kind: 'error'; httpStatus: number; body: IDataObject | null }
	/** fal does not know the id under this key: another account's job, or a made-up id. */
	| { kind: 'not-yours' }
	| { kind: 'not-finished'; status: string }
	/** fal could not be asked (network, 5xx on status, our key refused): try again later. */
	| { kind: 'unavailable'; reason: string; httpStatus?: number };

interface HttpLikeError {
	status?: unknown;
	body?: unknown;
	message?: unknown;
}

function httpStatusOf(error: unknown): number | undefined {
	const status = (error as HttpLikeError | null)?.status;
	return typeof status === 'number' ? status : undefined;
}

function objectOrNull(value: unknown): IDataObject | null {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : null;
}

function reasonOf(error: unknown): string {
	const message = (error as HttpLikeError | null)?.message;
	return typeof message === 'string' ? message : String(error);
}

/**
 * One endpoint per Seedance app (owner/app: bytedance/seedance-2.0, bytedance/seedance-2.5): fal's
 * queue reads a request by owner/app and ignores the endpoint path (fal-protocol.md §1), and the
 * callback does not say which app made it. draft/complete runs on the 2.5 app. Oldest version first
 * (VARIANTS lists the newest first): saved workflows' requests are found with one call.
 */
const OLDEST_FIRST = [...VARIANTS].sort((a, b) => Number(a.version) - Number(b.version));
export const SEEDANCE_APP_ENDPOINTS: readonly string[] = [
	...new Map([...OLDEST_FIRST.map((variant) => variant.endpoint), DRAFT_COMPLETE_ENDPOINT].map((endpoint) => [appIdOf(endpoint), endpoint])).values(),
];

/**
 * Asks each Seedance app in turn: the first that knows the request under this key answers.
 * Unknown to all of them means another account's request, or a made-up id.
 */
export async function confirmWithSeedance(client: FalTransport, requestId: string): Promise<FalConfirmation> {
	for (const endpoint of SEEDANCE_APP_ENDPOINTS) {
		const confirmation = await confirmWithFal(client, endpoint, requestId);
		if (confirmation.kind !== 'not-yours') return confirmation;
	}
	return { kind: 'not-yours' };
}

/**
 * Two queue calls: the status says whether the request is ours and finished, the result gives
 * the output or the model's error (a failed job still ends COMPLETED: fal-protocol.md §1).
 */
export async function confirmWithFal(client: FalTransport, endpoint: string, requestId: string): Promise<FalConfirmation> {
	let status: string;
	try {
		const answer = (await client.queue.status(endpoint, { requestId, logs: false })) as { status?: unknown };
		status = typeof answer.status === 'string' ? answer.status : '';
	} catch (error) {
		const httpStatus = httpStatusOf(error);
		if (httpStatus === 404 || httpStatus === 403) return { kind: 'not-yours' };
		return { kind: 'unavailable', reason: reasonOf(error), httpStatus };
	}
	if (status !== 'COMPLETED') return { kind: 'not-finished', status };
	try {
		const result = await client.queue.result(endpoint, { requestId });
		return { kind: 'ok', output: objectOrNull(result.data) ?? {}, app: appIdOf(endpoint) };
	} catch (error) {
		const httpStatus = httpStatusOf(error);
		const body = objectOrNull((error as HttpLikeError).body);
		// The model's own error answer (422 validation, 504 timeout…) is the job's outcome; a 5xx
		// without fal's `detail` is a proxy or gateway failing, worth another delivery.
		const modelError = httpStatus !== undefined && httpStatus !== 401 && httpStatus !== 429 && (httpStatus < 500 || body?.detail !== undefined);
		if (modelError) return { kind: 'error', httpStatus, body };
		return { kind: 'unavailable', reason: reasonOf(error), httpStatus };
	}
}
